//! HTTP methods on known paths: `HEAD` is answered wherever `GET` is, and a method a path does
//! not have gets 405 with `Allow` (`OPTIONS` gets 204 with `Allow`) instead of "no such route".
//! Which methods a path has is read from the OpenAPI document, which every route is in.

use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, body::MessageBody, web};

use crate::error::ApiError;

/// The methods this API knows, in the order `Allow` lists them.
pub const STANDARD: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

/// Every documented path pattern with its methods.
pub struct Routes {
    routes: Vec<(ResourceDef, Vec<Method>)>,
}

impl Routes {
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Routes {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Routes { routes }
    }

    /// The methods `path` answers to (with `HEAD` beside `GET`, and `OPTIONS`), or `None` when
    /// no route has this path. Where a literal segment and a parameter both match
    /// (`/review-queue/bulk` and `/review-queue/{id}`), the most literal patterns speak: the
    /// parameter route would only refuse "bulk" as an id.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let matching: Vec<&(ResourceDef, Vec<Method>)> = self
            .routes
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .collect();
        let params = |def: &ResourceDef| def.pattern().map_or(0, |p| p.matches('{').count());
        let fewest = matching.iter().map(|(def, _)| params(def)).min()?;
        let mut methods: Vec<Method> = Vec::new();
        for (def, ms) in matching {
            if params(def) != fewest {
                continue;
            }
            for m in ms {
                if !methods.contains(m) {
                    methods.push(m.clone());
                }
            }
        }
        if methods.contains(&Method::GET) {
            methods.push(Method::HEAD);
        }
        methods.push(Method::OPTIONS);
        let order = |m: &Method| STANDARD.iter().position(|o| o == m);
        methods.sort_by_key(order);
        Some(methods)
    }
}

/// Serves `HEAD` as `GET`: the HTTP layer sends the headers (with the length the body would
/// have) and drops the body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// What no route took: 405 (or 204 for `OPTIONS`) with `Allow` on a known path, else 404.
pub async fn no_route(req: HttpRequest, routes: web::Data<Routes>) -> HttpResponse {
    let Some(allowed) = routes.allowed(req.path()) else {
        return HttpResponse::from_error(ApiError::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            "no such route",
        ));
    };
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let allow = HeaderValue::from_str(&allow).unwrap_or(HeaderValue::from_static("OPTIONS"));
    if req.method() == Method::OPTIONS {
        return HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish();
    }
    let mut response = HttpResponse::from_error(ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed here", req.method()),
    ));
    response.headers_mut().insert(header::ALLOW, allow);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_methods_come_from_every_matching_pattern() {
        let spec = crate::openapi::openapi();
        let routes = Routes::from_spec(&spec);
        let id = uuid::Uuid::new_v4();
        let allowed = routes
            .allowed(&format!("/api/v1/companies/{id}"))
            .expect("known path");
        assert_eq!(
            allowed,
            [Method::GET, Method::HEAD, Method::PATCH, Method::OPTIONS]
        );
        // `/review-queue/bulk` is also the pattern `/review-queue/{id}`, whose GET would only
        // refuse "bulk" as an id.
        let bulk = routes
            .allowed("/api/v1/operator/review-queue/bulk")
            .expect("known");
        assert_eq!(bulk, [Method::POST, Method::OPTIONS]);
        assert_eq!(routes.allowed("/api/v1/nothing-here"), None);
        let login = routes.allowed("/api/v1/auth/login").expect("known");
        assert_eq!(login, [Method::POST, Method::OPTIONS]);
    }
}
