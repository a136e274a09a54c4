//! HTTP methods on known paths: `HEAD` is answered wherever `GET` is, and a method a path does
//! not have gets 405 with `Allow` (`OPTIONS` gets 204 with `Allow`) instead of "no such route".
//! Which methods a path has is read from the OpenAPI document, which every route is in.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

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
    /// Literal paths that a parameter route also matches (`/review-queue/bulk` and
    /// `/review-queue/{id}`), with the literal path's own methods.
    shadowing: Vec<(ResourceDef, Vec<Method>)>,
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
            .collect::<Vec<(ResourceDef, Vec<Method>)>>();
        let params = |def: &ResourceDef| def.pattern().map_or(0, |p| p.matches('{').count());
        let shadowing = routes
            .iter()
            .filter(|(literal, _)| {
                let path = literal.pattern().unwrap_or_default();
                routes
                    .iter()
                    .any(|(other, _)| params(other) > params(literal) && other.is_match(path))
            })
            .cloned()
            .collect();
        Routes { routes, shadowing }
    }

    /// Whether a parameter route would take `method` on `path` although the literal path it
    /// matches does not have that method (`GET /review-queue/bulk` is not the review item
    /// "bulk"): such a request gets the literal path's 405, as any other missing method does.
    pub fn shadowed(&self, path: &str, method: &Method) -> bool {
        *method != Method::OPTIONS
            && self
                .shadowing
                .iter()
                .any(|(def, methods)| def.is_match(path) && !methods.contains(method))
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

/// Answers a method that a literal path lacks before a parameter route can take it (see
/// `Routes::shadowed`).
pub async fn literal_paths_first(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let routes = req.app_data::<web::Data<Routes>>().cloned();
    match routes {
        Some(routes) if routes.shadowed(req.path(), req.method()) => {
            let (http_req, _) = req.into_parts();
            let response = no_route(http_req.clone(), routes).await;
            Ok(ServiceResponse::new(http_req, response).map_into_right_body())
        }
        _ => Ok(next.call(req).await?.map_into_left_body()),
    }
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
        // …and a GET there is answered as the literal path's missing method, not as an item.
        assert!(routes.shadowed("/api/v1/operator/review-queue/bulk", &Method::GET));
        assert!(!routes.shadowed("/api/v1/operator/review-queue/bulk", &Method::POST));
        assert!(!routes.shadowed("/api/v1/operator/review-queue/bulk", &Method::OPTIONS));
        assert!(!routes.shadowed(&format!("/api/v1/operator/review-queue/{id}"), &Method::GET));
        assert!(routes.shadowed("/api/v1/operator/rules/test", &Method::PATCH));
        assert!(!routes.shadowed("/api/v1/inquiries/unread", &Method::GET));
        assert_eq!(routes.allowed("/api/v1/nothing-here"), None);
        let login = routes.allowed("/api/v1/auth/login").expect("known");
        assert_eq!(login, [Method::POST, Method::OPTIONS]);
    }
}
