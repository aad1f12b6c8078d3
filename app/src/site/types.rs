use serde::{Deserialize, Serialize};

/// The operator of this installation as the Impressum shows it (from `[operator]` settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorInfo {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub email: String,
    pub phone: String,
    pub representative: String,
    pub register_entry: String,
    pub vat_id: String,
}

impl OperatorInfo {
    /// Street, postcode and city on one line.
    pub fn address_line(&self) -> String {
        format!("{}, {} {}", self.street, self.postcode, self.city)
    }
}
