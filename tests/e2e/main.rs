//! End-to-end tests over HTTP; every scenario runs on SQLite and on PostgreSQL.

mod companies;
mod health;
mod members;
mod migrations;
mod openapi;
mod products;
mod storefronts;
