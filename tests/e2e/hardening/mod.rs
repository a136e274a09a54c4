//! Strict input and an operable server (issue 15): refused arrays, control and direction
//! characters, invisible-only text; 405 and HEAD; metrics, request ids, security headers and
//! CORS. Every scenario runs on SQLite and on PostgreSQL.

mod browser;
mod methods;
mod metrics;
mod request_id;
mod strict_input;

use e2e::both_backends;

use browser::{
    cors_is_off_by_default, cors_preflights_from_listed_origins, html_has_security_headers,
};
use methods::{head_works_wherever_get_does, unknown_methods_get_405_with_allow};
use metrics::{
    metrics_need_the_token, metrics_on_a_separate_address, metrics_show_the_series_and_change,
};
use request_id::{request_ids_are_echoed_and_in_5xx_bodies, request_ids_from_a_trusted_proxy};
use strict_input::{
    arrays_are_refused_where_objects_are_expected, control_and_direction_characters_are_refused,
    invisible_only_text_is_empty, multiline_text_keeps_its_lines,
};

both_backends!(
    arrays_are_refused_where_objects_are_expected,
    control_and_direction_characters_are_refused,
    invisible_only_text_is_empty,
    multiline_text_keeps_its_lines,
    unknown_methods_get_405_with_allow,
    head_works_wherever_get_does,
    metrics_need_the_token,
    metrics_show_the_series_and_change,
    metrics_on_a_separate_address,
    request_ids_are_echoed_and_in_5xx_bodies,
    request_ids_from_a_trusted_proxy,
    html_has_security_headers,
    cors_is_off_by_default,
    cors_preflights_from_listed_origins,
);
