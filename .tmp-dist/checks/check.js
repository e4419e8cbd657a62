/**
 * A `pass` finding, the same shape for every check.
 *
 * @example passed('min_count', 'Every cell has at least 10 contributors.')
 */
export function passed(check, message) {
    return { check, status: 'pass', message, remedy: '' };
}
//# sourceMappingURL=check.js.map