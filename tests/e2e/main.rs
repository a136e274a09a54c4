//! End-to-end tests over HTTP; every scenario runs on SQLite and on PostgreSQL.

mod auth;
mod companies;
mod crash;
mod health;
mod inquiries;
mod matrix;
mod members;
mod migrations;
mod openapi;
mod products;
mod relevance;
mod search;
mod storefronts;
