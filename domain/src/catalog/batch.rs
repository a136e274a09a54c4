//! What a run of product writes inside one transaction checks only once.
//!
//! The catalog import writes up to a batch of products per transaction, for one company and one
//! actor. Checking the company and the actor's role, each row's category, the screening rules
//! and each SKU anew for every row was most of its statements, each a round trip on PostgreSQL
//! (docs/benchmarks.md, "Catalog import"). A single API write uses a fresh `WriteBatch`, so
//! both go through the same create and update functions and the same checks; only repeats are
//! skipped. A `WriteBatch` is only valid inside the transaction it was made in: what it keeps
//! was read there, and the writes it sees are its own.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use diesel::prelude::*;
use uuid::Uuid;

use super::CatalogError;
use super::category::leaf_category_problem;
use super::model::ProductRow;
use super::service::company_for_write;
use crate::access::Actor;
use crate::company::{Company, MemberRole};
use crate::db::schema::products;
use crate::db::{DbConnection, with_custom_plans};
use crate::screening::{Engine, current_rules};

#[derive(Default)]
pub struct WriteBatch {
    /// The company whose products the actor (by user id) was found allowed to write.
    company: Option<(Uuid, Company, Option<MemberRole>)>,
    leaves: HashSet<String>,
    rules: Option<Arc<Engine>>,
    /// The company whose SKUs `skus` holds.
    company_of_skus: Option<Uuid>,
    /// SKUs looked up in this transaction (`None`: no live product has it), kept current by
    /// the batch's own writes.
    skus: HashMap<String, Option<Uuid>>,
    /// Live products read or written in this transaction, as they are now.
    rows: HashMap<Uuid, ProductRow>,
    /// Creates without images write without a savepoint of their own (`create_product_in`).
    shares_transaction: bool,
    /// A create is between its first write and its end.
    writing: bool,
    /// A create failed after it began writing: the transaction holds part of a row (or, on
    /// PostgreSQL, is aborted) and must be rolled back.
    spoiled: bool,
}

impl WriteBatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// A batch whose creates share the caller's transaction instead of taking a savepoint
    /// each. The caller checks `spoiled` after each write and, when it is set, rolls the
    /// transaction back and runs the writes again with a `WriteBatch::new()`.
    pub fn sharing_transaction() -> Self {
        Self {
            shares_transaction: true,
            ..Self::default()
        }
    }

    pub(super) fn shares_transaction(&self) -> bool {
        self.shares_transaction
    }

    pub(super) fn begin_writes(&mut self) {
        self.writing = true;
    }

    pub(super) fn end_writes(&mut self, succeeded: bool) {
        if self.writing && !succeeded {
            self.spoiled = true;
        }
        self.writing = false;
    }

    /// Whether a write failed halfway, so the transaction must be rolled back.
    pub fn spoiled(&self) -> bool {
        self.spoiled
    }

    /// `company_for_write`, once per actor and company.
    pub(super) fn company(
        &mut self,
        conn: &mut DbConnection,
        actor: &Actor,
        company_id: Uuid,
    ) -> Result<(Company, Option<MemberRole>), CatalogError> {
        if let Some((user, company, role)) = &self.company
            && *user == actor.user_id
            && company.id == company_id
        {
            return Ok((company.clone(), *role));
        }
        let (company, role) = company_for_write(conn, actor, company_id)?;
        self.company = Some((actor.user_id, company.clone(), role));
        Ok((company, role))
    }

    /// Whether `company` was already found writable by `actor` in this batch: such an actor is a
    /// member, so sees every product of it.
    pub(super) fn writes_for(&self, actor: &Actor, company_id: Uuid) -> Option<&Company> {
        match &self.company {
            Some((user, company, _)) if *user == actor.user_id && company.id == company_id => {
                Some(company)
            }
            _ => None,
        }
    }

    /// Refuses a category that is not a leaf; a leaf is checked once.
    pub(super) fn check_category(
        &mut self,
        conn: &mut DbConnection,
        id: &str,
    ) -> Result<(), CatalogError> {
        if self.leaves.contains(id) {
            return Ok(());
        }
        match leaf_category_problem(conn, "category_id", id)? {
            None => {
                self.leaves.insert(id.to_owned());
                Ok(())
            }
            Some(problem) => Err(CatalogError::Validation(vec![problem])),
        }
    }

    /// The screening rules, read once per batch.
    pub(super) fn rules(&mut self, conn: &mut DbConnection) -> QueryResult<Arc<Engine>> {
        if let Some(rules) = &self.rules {
            return Ok(rules.clone());
        }
        let rules = current_rules(conn)?;
        self.rules = Some(rules.clone());
        Ok(rules)
    }

    /// Reads the live products of the company with these SKUs in one query, so the rows that
    /// follow find them (or their absence) without a query each.
    pub fn preload_skus(
        &mut self,
        conn: &mut DbConnection,
        company_id: Uuid,
        skus: &[&str],
    ) -> QueryResult<()> {
        if self.company_of_skus != Some(company_id) {
            self.skus.clear();
            self.company_of_skus = Some(company_id);
        }
        let wanted: Vec<&str> = skus
            .iter()
            .copied()
            .filter(|s| !self.skus.contains_key(*s))
            .collect();
        // Bound parameters per statement stay far below both backends' limits.
        for chunk in wanted.chunks(500) {
            let query = products::table
                .filter(products::company_id.eq(company_id.to_string()))
                .filter(products::sku.eq_any(chunk))
                .filter(products::sku.is_not_null())
                .filter(products::deleted_at.is_null())
                .select(ProductRow::as_select());
            // An index lookup per SKU on the partial unique index (company, SKU); a generic
            // plan filtered all of the company's products instead (15-25 ms a batch at 10k).
            let found: Vec<ProductRow> = with_custom_plans(conn, |conn| query.load(conn))?;
            for sku in chunk {
                self.skus.insert((*sku).to_owned(), None);
            }
            for row in found {
                let id = crate::ids::parse_db_id(&row.id);
                if let Some(sku) = &row.sku {
                    self.skus.insert(sku.clone(), Some(id));
                }
                self.rows.insert(id, row);
            }
        }
        Ok(())
    }

    /// The live product of the company with this SKU.
    pub fn product_id_by_sku(
        &mut self,
        conn: &mut DbConnection,
        company_id: Uuid,
        sku: &str,
    ) -> QueryResult<Option<Uuid>> {
        if self.company_of_skus == Some(company_id)
            && let Some(known) = self.skus.get(sku)
        {
            return Ok(*known);
        }
        super::repo::product_id_by_sku(conn, company_id, sku)
    }

    /// A product as this batch last read or wrote it.
    pub(super) fn row(&self, id: Uuid) -> Option<ProductRow> {
        self.rows.get(&id).cloned()
    }

    /// Keeps what this batch just wrote, so its later rows see it.
    pub(super) fn wrote(&mut self, company_id: Uuid, before_sku: Option<&str>, row: &ProductRow) {
        let id = crate::ids::parse_db_id(&row.id);
        if self.company_of_skus == Some(company_id) {
            if let Some(old) = before_sku
                && row.sku.as_deref() != Some(old)
            {
                self.skus.insert(old.to_owned(), None);
            }
            if let Some(sku) = &row.sku {
                let live = row.deleted_at.is_none();
                self.skus.insert(sku.clone(), live.then_some(id));
            }
        }
        if row.deleted_at.is_none() {
            self.rows.insert(id, row.clone());
        } else {
            self.rows.remove(&id);
        }
    }
}
