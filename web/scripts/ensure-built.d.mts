export function webBuildIsCurrent(): boolean;
export function ensureWebBuilt(options?: { quiet?: boolean }): boolean;
