//! Brian 2's `NetworkOperation`: code of the caller (a script closure) run on a clock, in
//! a slot of the schedule. The core knows only its name and place: the loop pauses at it
//! and returns to the caller (`Pause::Operation`, run.rs), which runs the code with the
//! network free to read and write, then resumes the run. A run without network operations
//! never pauses.

use super::{Network, NetworkError};

pub struct NetworkOperation {
    pub name: String,
}

impl Network {
    /// Adds a network operation (Brian 2's defaults: slot `start`, order 0, the default
    /// clock; change them with [`Network::scheduling_mut`]); returns its number.
    pub fn add_network_operation(&mut self, name: Option<&str>) -> Result<usize, NetworkError> {
        // Every object's name, network operations' included.
        let names = self.object_names();
        let taken = |n: &str| names.contains(&n);
        let name = match name.map(str::to_string) {
            Some(n) if taken(&n) => {
                return Err(NetworkError::Other(format!(
                    "network_operation: the name '{n}' is taken by another object"
                )))
            }
            Some(n) => n,
            // Brian 2's names: networkoperation, networkoperation_1, ...
            None if !taken("networkoperation") => "networkoperation".to_string(),
            None => (1..)
                .map(|k| format!("networkoperation_{k}"))
                .find(|n| !taken(n))
                .expect("a free name"),
        };
        self.network_operations.push(NetworkOperation { name });
        Ok(self.network_operations.len() - 1)
    }
}
