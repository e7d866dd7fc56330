import type { HostContext } from '../hostContext';

export function showLog(ctx: HostContext): void {
  ctx.logger.show();
}
