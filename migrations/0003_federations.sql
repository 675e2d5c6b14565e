CREATE TABLE "federations" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"client_id" text NOT NULL,
	"issuer" text NOT NULL,
	"audience" text NOT NULL,
	"subject" text,
	"claims" jsonb NOT NULL,
	"scopes" text[] NOT NULL,
	"token_ttl_seconds" integer,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "federations_client_id_unique" UNIQUE("client_id")
);
--> statement-breakpoint
CREATE TABLE "used_subject_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "federations" ADD CONSTRAINT "federations_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "federations_org_created_idx" ON "federations" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "used_subject_tokens_expires_idx" ON "used_subject_tokens" USING btree ("expires_at");