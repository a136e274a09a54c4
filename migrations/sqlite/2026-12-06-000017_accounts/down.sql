ALTER TABLE inquiries DROP COLUMN buyer_shares_email;
ALTER TABLE users DROP COLUMN token_version;
ALTER TABLE users DROP COLUMN pending_email;
ALTER TABLE users DROP COLUMN email_verified_at;
