DROP TABLE outbox;
DROP TABLE moderation_decisions;
DROP TABLE products;
DROP TABLE company_members;
DROP TABLE companies;
DROP TABLE categories;
DROP TABLE refresh_tokens;
DROP TABLE users;
