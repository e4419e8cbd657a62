const SVG = /^\uFEFF?\s*(<\?xml[^>]*>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*<svg[\s>/]/i;
/** The type the content reveals, or null when nothing blocked-by-default is recognised. */
export function sniffType(bytes) {
    if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
        return { type: 'Python pickle', extensions: ['.pkl', '.pickle', '.joblib'] };
    }
    const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096));
    if (SVG.test(head))
        return { type: 'SVG image', extensions: ['.svg'] };
    return null;
}
//# sourceMappingURL=sniff-type.js.map