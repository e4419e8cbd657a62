export {};
//# sourceMappingURL=output-kind.js.map