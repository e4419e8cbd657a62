export function parseArgs(args, flags) {
    const out = { _: [] };
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (!a.startsWith('--')) {
            out._.push(a);
            continue;
        }
        const eq = a.indexOf('=');
        const name = a.slice(2, eq < 0 ? undefined : eq);
        const kind = flags[name];
        if (!kind)
            throw new Error(`unknown option --${name}`);
        if (kind === 'boolean')
            out[name] = true;
        else if (eq >= 0)
            out[name] = a.slice(eq + 1);
        else if (i + 1 < args.length)
            out[name] = args[++i];
        else
            throw new Error(`--${name} needs a value`);
    }
    return out;
}
//# sourceMappingURL=parse-args.js.map