// Types for done-mark.mjs (plain JavaScript so function processes load it with bare `node`).
export const DONE_MARK: string;
