use serde::{Deserialize, Serialize};

/// The operator of this installation as the Impressum shows it; read from the `[operator]`
/// settings and sent to the browser as is (it holds only public details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorInfo {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub email: String,
    pub phone: String,
    pub representative: String,
    #[serde(default)]
    pub register_entry: String,
    #[serde(default)]
    pub vat_id: String,
    /// The shipped example details, not yet replaced by the operator's own: documents and the
    /// KV-Antrag page then mark them as examples.
    #[serde(default)]
    pub example: bool,
}

impl OperatorInfo {
    /// Street, postcode and city on one line.
    pub fn address_line(&self) -> String {
        format!("{}, {} {}", self.street, self.postcode, self.city)
    }
}
