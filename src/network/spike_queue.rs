//! The spike queue shared by Brian 1's Connection and Brian 2's Synapses: a ring of
//! index lists, one slot per time step up to the longest delay. Connection pushes the
//! spiking source neurons into the slot of its (homogeneous) delay; Synapses pushes
//! synapse indices into the slot of each synapse's delay. Popping takes the current slot.

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SpikeQueue {
    ring: Vec<Vec<u32>>,
    pos: usize,
}

impl SpikeQueue {
    /// Makes room for delays up to `max_delay` steps, keeping what is queued.
    pub fn ensure(&mut self, max_delay: usize) {
        let want = max_delay + 1;
        if self.ring.len() >= want {
            return;
        }
        // Re-lay the ring from the current slot so queued entries keep their due steps.
        let mut ring: Vec<Vec<u32>> = (0..want).map(|_| Vec::new()).collect();
        let old = self.ring.len();
        for (k, slot) in ring.iter_mut().take(old).enumerate() {
            *slot = std::mem::take(&mut self.ring[(self.pos + k) % old]);
        }
        self.ring = ring;
        self.pos = 0;
    }

    /// Queues `items` for delivery `delay` steps from now (0: this step).
    pub fn push(&mut self, delay: usize, items: impl IntoIterator<Item = u32>) {
        self.ensure(delay);
        let n = self.ring.len();
        self.ring[(self.pos + delay) % n].extend(items);
    }

    /// Queues one item.
    pub fn push_one(&mut self, delay: usize, item: u32) {
        let n = self.ring.len();
        debug_assert!(delay < n, "ensure() the longest delay first");
        self.ring[(self.pos + delay) % n].push(item);
    }

    /// Takes what is due this step and advances to the next step. `buffer` is handed back
    /// into the ring so its allocation is reused.
    pub fn pop_into(&mut self, buffer: &mut Vec<u32>) {
        buffer.clear();
        if self.ring.is_empty() {
            return;
        }
        std::mem::swap(buffer, &mut self.ring[self.pos]);
        self.pos = (self.pos + 1) % self.ring.len();
    }

    pub fn clear(&mut self) {
        self.ring.iter_mut().for_each(Vec::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::SpikeQueue;

    #[test]
    fn delivers_each_item_at_its_delay() {
        let mut q = SpikeQueue::default();
        q.ensure(3);
        let mut out = Vec::new();
        q.push(0, [7]);
        q.push(2, [8]);
        q.push_one(3, 9);
        let mut seen = Vec::new();
        for _ in 0..5 {
            q.pop_into(&mut out);
            seen.push(out.clone());
        }
        assert_eq!(seen, vec![vec![7], vec![], vec![8], vec![9], vec![]]);
        // Growing keeps queued items due at the same step.
        q.push(1, [1]);
        q.ensure(10);
        q.pop_into(&mut out);
        assert!(out.is_empty());
        q.pop_into(&mut out);
        assert_eq!(out, vec![1]);
    }
}
