CREATE TABLE "keymint_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"heartbeat_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"acked_seq" bigint NOT NULL
);
