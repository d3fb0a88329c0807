extension Migration {
    /// Several nodes on one PostgreSQL (SPEC §14): every committed write of configuration is
    /// announced by the database itself, on the channel `beckon_<schema>`, so it reaches every
    /// node within a second whoever made it — a node, `beckon apikey revoke`, an operator's SQL —
    /// and a write whose node died before telling anyone is announced all the same (the
    /// notification is part of the transaction). The payload is `c <node> <kind> <account>`, the
    /// node being the writer's `application_name` (a node ignores its own: it told its caches
    /// already). Using the key (`last_used_at`) is not configuration and announces nothing.
    /// SQLite has one node and needs none of it.
    static let m0013AnnounceConfigurationChanges = Migration(
        version: 13, name: "AnnounceConfigurationChanges", statements: [],
        postgresOnly: [
            """
            CREATE FUNCTION beckon_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                changed RECORD;
            BEGIN
                IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
                PERFORM pg_notify(
                    'beckon_' || current_schema(),
                    'c ' || current_setting('application_name') || ' ' || TG_ARGV[0] || ' '
                        || (to_jsonb(changed) ->> TG_ARGV[1]));
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER accounts_announce AFTER INSERT OR UPDATE ON accounts
            FOR EACH ROW EXECUTE FUNCTION beckon_announce_change('settings', 'id')
            """,
            """
            CREATE TRIGGER sites_announce AFTER INSERT OR UPDATE OR DELETE ON sites
            FOR EACH ROW EXECUTE FUNCTION beckon_announce_change('sites', 'account_id')
            """,
            """
            CREATE TRIGGER api_keys_announce AFTER INSERT OR DELETE OR UPDATE OF revoked_at, scopes ON api_keys
            FOR EACH ROW EXECUTE FUNCTION beckon_announce_change('apiKeys', 'account_id')
            """,
            """
            CREATE TRIGGER campaigns_announce AFTER INSERT OR UPDATE OR DELETE ON campaigns
            FOR EACH ROW EXECUTE FUNCTION beckon_announce_change('campaigns', 'account_id')
            """,
            """
            CREATE TRIGGER engagements_announce AFTER INSERT OR UPDATE OR DELETE ON engagements
            FOR EACH ROW EXECUTE FUNCTION beckon_announce_change('campaigns', 'account_id')
            """,
        ])
}
