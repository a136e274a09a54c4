//! End-to-end tests over HTTP; every scenario runs on SQLite and on PostgreSQL.

mod audit;
mod auth;
mod companies;
mod crash;
mod credit;
mod health;
mod inquiries;
mod lead_mail;
mod leads;
mod listings;
mod mail;
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
mod review;
mod screening;
mod search;
mod storefronts;
mod takedown;
