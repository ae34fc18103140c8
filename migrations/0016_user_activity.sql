ALTER TABLE "identity_user" ADD COLUMN "last_active_on" date;
