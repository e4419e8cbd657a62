import { passed } from './check.js';
/** Most items one finding lists; the message still counts all of them. */
export const MAX_FINDING_ITEMS = 100;
/**
 * Builds a check from an item rule.
 *
 * @example itemCheck(rule).run(parsed, DEFAULT_PARAMETERS, ctx)
 */
export function itemCheck(rule) {
    return {
        id: rule.id,
        kind: rule.kind,
        rule,
        run(parsed, p) {
            const flagged = rule.flag(parsed, p);
            if (flagged === null)
                return [];
            const { items, total } = Array.isArray(flagged) ? { items: flagged, total: flagged.length } : flagged;
            if (total === 0)
                return [passed(rule.id, rule.passMessage(parsed, p))];
            const status = typeof rule.status === 'function' ? rule.status(parsed, p) : rule.status;
            let message = rule.message(total, parsed, p);
            if (total > MAX_FINDING_ITEMS)
                message += ` (the first ${MAX_FINDING_ITEMS} of ${total} are listed)`;
            return [{ check: rule.id, status, message, remedy: rule.remedy(total, parsed, p), items: items.slice(0, MAX_FINDING_ITEMS) }];
        },
    };
}
/**
 * Flags each item whose reason is not null: the common loop of per-item rules.
 *
 * @example flagEach(bins, (b) => belowThreshold(b.count, 10), (b, i) => `bins[${i}]`, (b) => b.count)
 */
export function flagEach(items, reason, ref, value) {
    const out = [];
    items.forEach((item, i) => {
        const r = reason(item, i);
        if (r !== null)
            out.push({ ref: ref(item, i), value: value(item, i), reason: r });
    });
    return out;
}
//# sourceMappingURL=item-check.js.map