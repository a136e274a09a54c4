//! End-to-end tests over HTTP; every scenario runs on SQLite and on PostgreSQL.

mod audit;
mod auth;
mod companies;
mod crash;
mod health;
mod inquiries;
mod leads;
mod listings;
mod matrix;
mod members;
mod migrations;
mod notifications;
mod openapi;
mod products;
mod quotes;
mod ranking;
mod relevance;
mod reports;
mod screening;
mod search;
mod storefronts;
mod takedown;
