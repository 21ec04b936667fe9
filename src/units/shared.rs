//! `SharedVec`: an array whose copies share one buffer until one of them changes
//! (copy on write), and whose parts (`slice`) are views of it. Arrays with units, a
//! matrix's rows and a monitor's recordings are `SharedVec`s, so that reading `M.t` or
//! `M.v[k]` in a script, or passing an array to a function, costs O(1) rather than a copy
//! of the data; changing a copy copies it first, so no other copy sees the change.

use std::ops::{Deref, DerefMut, Range};
use std::sync::{Arc, Weak};

pub struct SharedVec<T> {
    data: Arc<Vec<T>>,
    /// `(start, len)` of a view of part of `data`; `None`: all of it.
    view: Option<(usize, usize)>,
}

/// What a cache keeps of a `SharedVec` to know whether a later one is the same array, with
/// the same values: [`WeakVec::is_of`]. It keeps the buffer's allocation (not its values)
/// alive, so that the address cannot be reused by another array.
pub struct WeakVec<T> {
    data: Weak<Vec<T>>,
    view: Option<(usize, usize)>,
}

impl<T> SharedVec<T> {
    pub fn new() -> SharedVec<T> {
        SharedVec::from_vec(Vec::new())
    }

    pub fn from_vec(v: Vec<T>) -> SharedVec<T> {
        SharedVec {
            data: Arc::new(v),
            view: None,
        }
    }

    pub fn as_slice(&self) -> &[T] {
        match self.view {
            None => &self.data,
            Some((start, len)) => &self.data[start..start + len],
        }
    }

    /// A view of `range` of this array, sharing its buffer (O(1)); panics if the range
    /// is out of bounds.
    pub fn slice(&self, range: Range<usize>) -> SharedVec<T> {
        assert!(
            range.start <= range.end && range.end <= self.len(),
            "slice {range:?} of an array of {}",
            self.len()
        );
        let base = self.view.map_or(0, |(s, _)| s);
        SharedVec {
            data: Arc::clone(&self.data),
            view: Some((base + range.start, range.end - range.start)),
        }
    }

    /// Whether the two share a buffer (one was copied or sliced from the other, and
    /// neither has been changed since).
    pub fn shares_buffer(&self, other: &SharedVec<T>) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }

    /// A weak reference that tells whether a later `SharedVec` is this one unchanged.
    pub fn downgrade(&self) -> WeakVec<T> {
        WeakVec {
            data: Arc::downgrade(&self.data),
            view: self.view,
        }
    }
}

impl<T: Clone> SharedVec<T> {
    /// The values as a growable vector of this array alone: copied first if the buffer
    /// is shared or this is a view of part of it. (A buffer is never changed in place
    /// while a copy or a [`WeakVec`] of it exists: with weak references only, the vector
    /// moves to a new allocation, which costs O(1).)
    pub fn vec_mut(&mut self) -> &mut Vec<T> {
        if self.view.is_some() {
            self.data = Arc::new(self.as_slice().to_vec());
            self.view = None;
        }
        Arc::make_mut(&mut self.data)
    }

    /// Makes room for `extra` more values without reallocating, copying the values once
    /// if the buffer is shared (into a buffer of the final size, not twice).
    pub fn reserve_exact(&mut self, extra: usize) {
        if self.view.is_some() || Arc::strong_count(&self.data) > 1 {
            let mut v = Vec::with_capacity(self.len() + extra);
            v.extend_from_slice(self.as_slice());
            self.data = Arc::new(v);
            self.view = None;
        } else {
            self.vec_mut().reserve_exact(extra);
        }
    }

    /// The values as a vector, without a copy if this array has the buffer alone.
    pub fn into_vec(self) -> Vec<T> {
        match self.view {
            None => Arc::try_unwrap(self.data).unwrap_or_else(|shared| (*shared).clone()),
            Some(_) => self.as_slice().to_vec(),
        }
    }
}

impl<T> WeakVec<T> {
    /// Whether `v` is the array this was taken from, with the same values: the same
    /// buffer and view (a changed array has a new buffer, see [`SharedVec::vec_mut`]).
    pub fn is_of(&self, v: &SharedVec<T>) -> bool {
        std::ptr::eq(self.data.as_ptr(), Arc::as_ptr(&v.data)) && self.view == v.view
    }
}

impl<T> Clone for SharedVec<T> {
    fn clone(&self) -> Self {
        SharedVec {
            data: Arc::clone(&self.data),
            view: self.view,
        }
    }
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec::new()
    }
}

impl<T> Deref for SharedVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

/// Writing an element copies a shared buffer first (copy on write).
impl<T: Clone> DerefMut for SharedVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.vec_mut().as_mut_slice()
    }
}

impl<T> From<Vec<T>> for SharedVec<T> {
    fn from(v: Vec<T>) -> Self {
        SharedVec::from_vec(v)
    }
}

impl<T: Clone> From<&[T]> for SharedVec<T> {
    fn from(v: &[T]) -> Self {
        SharedVec::from_vec(v.to_vec())
    }
}

impl<T> FromIterator<T> for SharedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        SharedVec::from_vec(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a SharedVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for SharedVec<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl<T: PartialEq> PartialEq for SharedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: PartialEq> PartialEq<Vec<T>> for SharedVec<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: PartialEq> PartialEq<[T]> for SharedVec<T> {
    fn eq(&self, other: &[T]) -> bool {
        self.as_slice() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_until_one_changes() {
        let a = SharedVec::from_vec(vec![1.0, 2.0, 3.0]);
        let mut b = a.clone();
        assert!(a.shares_buffer(&b));
        b[1] = 5.0;
        assert!(!a.shares_buffer(&b));
        assert_eq!(a, vec![1.0, 2.0, 3.0]);
        assert_eq!(b, vec![1.0, 5.0, 3.0]);
    }

    #[test]
    fn views_share_and_copy_on_write() {
        let a = SharedVec::from_vec((0..10).map(f64::from).collect());
        let mut v = a.slice(2..5);
        assert!(v.shares_buffer(&a));
        assert_eq!(v, vec![2.0, 3.0, 4.0]);
        assert_eq!(v.slice(1..3), vec![3.0, 4.0]);
        v.vec_mut().push(9.0);
        assert_eq!(v, vec![2.0, 3.0, 4.0, 9.0]);
        assert_eq!(a.len(), 10);
    }

    #[test]
    fn a_weak_reference_tells_whether_the_array_changed() {
        let mut v = Vec::with_capacity(4);
        v.extend([1u32, 2]);
        let mut a = SharedVec::from_vec(v);
        let w = a.downgrade();
        assert!(w.is_of(&a));
        assert!(!w.is_of(&a.slice(0..1)));
        // Alone with a weak reference, a change moves the vector (not its values).
        let values = a.as_ptr();
        a.vec_mut().push(3);
        assert!(!w.is_of(&a));
        assert_eq!(a.as_ptr(), values);
        let w = a.downgrade();
        let unchanged = a.clone();
        assert!(w.is_of(&unchanged));
        a[0] = 7;
        assert!(!w.is_of(&a));
        assert!(w.is_of(&unchanged));
    }

    #[test]
    fn reserving_keeps_the_values_and_the_room() {
        let mut a = SharedVec::from_vec(vec![1.0]);
        let b = a.clone();
        a.reserve_exact(100);
        assert_eq!(a, b);
        let before = a.as_ptr();
        for k in 0..100 {
            a.vec_mut().push(k as f64);
        }
        assert_eq!(a.as_ptr(), before, "no reallocation");
        assert_eq!(a.len(), 101);
        assert_eq!(b.len(), 1);
        assert_eq!(a.clone().into_vec().len(), 101);
    }
}
