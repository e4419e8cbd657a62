export {};
//# sourceMappingURL=file-output.js.map