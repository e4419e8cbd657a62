import helmet from 'helmet';
export function securityHeaders() {
    return helmet({
        contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
        crossOriginResourcePolicy: { policy: 'same-origin' },
    });
}
//# sourceMappingURL=security-headers.js.map