/** What `kind` an ordinary decision record has; later record kinds (review, final) reference one. */
export const DECISION_RECORD_KIND = 'decision';
/** The largest page `list` returns. */
export const MAX_PAGE_LIMIT = 1000;
//# sourceMappingURL=audit-store.js.map