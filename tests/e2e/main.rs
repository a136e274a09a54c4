//! End-to-end tests over HTTP; every scenario runs on SQLite and on PostgreSQL.

mod auth;
mod companies;
mod crash;
mod health;
mod listings;
mod matrix;
mod members;
mod migrations;
mod openapi;
mod products;
mod quotes;
mod relevance;
mod search;
mod storefronts;
