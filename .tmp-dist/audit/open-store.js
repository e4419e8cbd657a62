import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
/**
 * Opens and migrates the configured store; throws `STORE_UNAVAILABLE` when it cannot.
 *
 * @example const store = await openStore({ dataDir: './data' }); store.backend // 'sqlite'
 */
export async function openStore(options) {
    if (options.databaseUrl) {
        return openPostgresStore({ connectionString: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) });
    }
    return openSqliteStore({ dataDir: options.dataDir });
}
//# sourceMappingURL=open-store.js.map