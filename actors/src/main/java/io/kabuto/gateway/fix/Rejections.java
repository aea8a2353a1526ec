package io.kabuto.gateway.fix;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.gateway.ParticipantSession;
import quickfix.field.OrdRejReason;

/** Gateway and book refusals in FIX terms: an OrdRejReason and a Text that says why. */
final class Rejections {
  private Rejections() {}

  record Rej(int reason, String text) {}

  static Rej of(ParticipantSession.Reply reply, Throwable failure) {
    if (reply instanceof ParticipantSession.Refused f) {
      int reason = switch (f.code()) {
        case QUANTITY_LIMIT, NOTIONAL_LIMIT -> OrdRejReason.ORDER_EXCEEDS_LIMIT;
        case DUPLICATE_CLORDID -> OrdRejReason.DUPLICATE_ORDER;
        case UNKNOWN_CLORDID -> OrdRejReason.UNKNOWN_ORDER;
        case EXCHANGE_UNAVAILABLE -> OrdRejReason.EXCHANGE_CLOSED;
        case EXCHANGE_BUSY -> OrdRejReason.EXCHANGE_CLOSED;
        default -> OrdRejReason.OTHER;
      };
      return new Rej(reason, f.code() + ": " + f.reason());
    }
    if (reply instanceof ParticipantSession.Answer a && a.book() instanceof OrderBook.Rejected r) {
      int reason = switch (r.code()) {
        case UNKNOWN_SYMBOL -> OrdRejReason.UNKNOWN_SYMBOL;
        case MARKET_CLOSED, MARKET_HALTED -> OrdRejReason.EXCHANGE_CLOSED;
        case INVALID_QUANTITY, QUANTITY_TOO_LARGE -> OrdRejReason.INCORRECT_QUANTITY;
        case UNKNOWN_ORDER -> OrdRejReason.UNKNOWN_ORDER;
        case DUPLICATE_ORDER_ID -> OrdRejReason.DUPLICATE_ORDER;
        default -> OrdRejReason.OTHER;
      };
      String text = r.reason() != null && !r.reason().isBlank() ? r.reason() : r.code().reason();
      return new Rej(reason, r.code() + ": " + text);
    }
    if (failure != null) {
      return new Rej(OrdRejReason.EXCHANGE_CLOSED, "EXCHANGE_UNAVAILABLE: "
          + GatewayReject.EXCHANGE_UNAVAILABLE.reason());
    }
    return new Rej(OrdRejReason.OTHER, "unexpected answer " + reply);
  }
}
