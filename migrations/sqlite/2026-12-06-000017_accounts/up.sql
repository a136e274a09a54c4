-- Accounts: e-mail verification, a pending address change, and a token version that ends
-- every session of an account at once (password change or reset).
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
ALTER TABLE users ADD COLUMN pending_email TEXT;
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
-- Accounts that existed before verification was required keep working as they did.
UPDATE users SET email_verified_at = created_at;
-- A buyer's address is shown to a supplier only in a thread where the buyer chose to share it.
ALTER TABLE inquiries ADD COLUMN buyer_shares_email BOOLEAN NOT NULL DEFAULT FALSE;
