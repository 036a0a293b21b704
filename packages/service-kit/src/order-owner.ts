/**
 * The payment and notification services hold data per order but do not own orders: the merchant
 * of an order is the order service's answer, asked with this service's own SERVICE token and
 * remembered (an order never changes merchant).
 */
import { UnavailableError } from '@cancelflow/domain';
import { rememberedLookup, type MerchantLookup } from './access.ts';
import { authSettingsFromEnv, mintAccessToken, type AuthSettings } from './auth.ts';

export interface OrderOwnerSettings {
  /** The order service (ORDER_SERVICE_URL), read when first asked so it may start after this service. */
  orderServiceUrl?: () => string | undefined;
  auth?: AuthSettings;
  /** Who asks (the token's subject). */
  service: string;
}

export function merchantOfOrderFromOrderService(settings: OrderOwnerSettings): MerchantLookup {
  const auth = settings.auth ?? authSettingsFromEnv();
  const urlOf = settings.orderServiceUrl ?? (() => process.env.ORDER_SERVICE_URL);
  let token: { value: Promise<string>; renewAt: number } | undefined;
  const bearer = () => {
    if (!token || Date.now() > token.renewAt) {
      token = {
        value: mintAccessToken(auth, { role: 'SERVICE', subject: settings.service, expiresIn: '1h' }),
        renewAt: Date.now() + 50 * 60_000,
      };
    }
    return token.value;
  };
  return rememberedLookup(async (orderId) => {
    const url = urlOf();
    if (!url) throw new UnavailableError(`${settings.service} cannot tell whose order ${orderId} is: ORDER_SERVICE_URL is not set`);
    let response: Response;
    try {
      response = await fetch(`${url.replace(/\/+$/, '')}/orders/${encodeURIComponent(orderId)}`, {
        headers: { authorization: `Bearer ${await bearer()}`, accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
    } catch {
      throw new UnavailableError('the order service cannot be reached to tell whose order this is: try again shortly');
    }
    if (response.status === 404 || response.status === 400) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new UnavailableError(`the order service answered ${response.status} when asked whose order this is: try again shortly`);
    }
    const order = (await response.json()) as { merchantId?: unknown };
    return typeof order.merchantId === 'string' ? order.merchantId : undefined;
  });
}
