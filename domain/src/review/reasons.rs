//! The fixed list of reason codes an operator picks from when rejecting (or sending back) an
//! item; the owner sees the code and the operator's note.

crate::text_enum! {
    pub enum ReasonCode {
        /// Goods that may not be sold on the platform.
        ProhibitedGoods => "prohibited_goods",
        /// Counterfeit brands or replicas.
        Counterfeit => "counterfeit",
        /// Infringes a trademark, patent or copyright.
        IpInfringement => "ip_infringement",
        /// Title, price, pictures or description mislead buyers.
        Misleading => "misleading",
        /// Facts missing or unclear (specifications, price, licence details).
        Incomplete => "incomplete",
        WrongCategory => "wrong_category",
        /// Phone numbers, e-mail addresses or links that take buyers off the platform.
        ContactDetails => "contact_details",
        /// The licence facts do not match the public register.
        LicenceMismatch => "licence_mismatch",
        Duplicate => "duplicate",
        /// For reports: nothing wrong was found.
        NoViolation => "no_violation",
        Other => "other",
    }
}
