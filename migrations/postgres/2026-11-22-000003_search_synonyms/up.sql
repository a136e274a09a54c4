-- Operator-managed synonym groups for search (不锈钢 = stainless steel = SS). A group's terms
-- are a JSON array of strings; the whole set is replaced at once.
CREATE TABLE search_synonyms (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    terms TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
