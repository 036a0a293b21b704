export async function noop(_step: number): Promise<void> {}
