export const DEFAULT_LIMITS = Object.freeze({
    maxRows: 20_000_000,
    maxCells: 100_000,
    maxOutputs: 100,
});
//# sourceMappingURL=limits.js.map