package io.kabuto.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Prices;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP gateway's request JSON: strict parsing of client bodies (unknown fields, wrong types,
 * missing fields, prices finer than 0.1 yen, absurd numbers are {@link BadRequest}s naming the
 * field) and the checks on ClOrdIDs and symbols in paths. The answers it sends are {@link
 * ReplyJson}.
 */
final class OrderJson {
  private OrderJson() {}

  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Symbols and ClOrdIDs: printable ASCII without spaces, bounded. */
  static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9._-]{1,20}");
  /** Why a symbol in a path or query parameter is refused. */
  static final String BAD_SYMBOL = "symbol must be 1-20 of A-Z a-z 0-9 . _ -";
  static final Pattern CLORDID = Pattern.compile("[\\x21-\\x7E]{1,64}");
  /** Above this a quantity is not a mistake worth sending to a book. */
  static final long MAX_QTY = 1_000_000_000_000L;

  /** A client error: HTTP 400 with this code and reason. */
  static final class BadRequest extends Exception {
    final String code;

    BadRequest(String code, String reason) {
      super(reason, null, false, false);
      this.code = code;
    }

    BadRequest(String reason) {
      this(GatewayReject.INVALID.name(), reason);
    }
  }

  record NewOrderBody(String clOrdId, String symbol, Side side, OrderType type, TimeInForce tif,
      long price, long qty) {}

  /** {@code symbol}: optional; finds an order placed through another gateway node. */
  record ReplaceBody(String clOrdId, long price, long qty, String symbol) {}

  static JsonNode parseObject(byte[] body, Set<String> allowed) throws BadRequest {
    if (body.length == 0) {
      throw new BadRequest("empty body: a JSON object is required");
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (IOException | RuntimeException e) {
      throw new BadRequest("malformed JSON: " + firstLine(e.getMessage()));
    }
    if (n == null || !n.isObject()) {
      throw new BadRequest("the body must be a JSON object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new BadRequest("unknown field '" + clip(f) + "'; allowed: " + allowed);
      }
    }
    return n;
  }

  static final Set<String> NEW_FIELDS = new java.util.LinkedHashSet<>(
      List.of("clOrdId", "symbol", "side", "type", "tif", "price", "qty"));
  static final Set<String> REPLACE_FIELDS = new java.util.LinkedHashSet<>(
      List.of("clOrdId", "price", "qty", "symbol"));

  static NewOrderBody newOrder(byte[] body) throws BadRequest {
    JsonNode n = parseObject(body, NEW_FIELDS);
    String clOrdId = clOrdId(n, "clOrdId");
    String symbol = text(n, "symbol", true);
    if (!SYMBOL.matcher(symbol).matches()) {
      throw new BadRequest("'symbol' must be 1-20 of A-Z a-z 0-9 . _ -");
    }
    Side side = enumOf(Side.class, n, "side", null);
    OrderType type = enumOf(OrderType.class, n, "type", OrderType.LIMIT);
    TimeInForce tif = enumOf(TimeInForce.class, n, "tif", TimeInForce.DAY);
    long price = 0;
    if (type == OrderType.LIMIT) {
      if (!n.has("price") || n.get("price").isNull()) {
        throw new BadRequest("missing field 'price' (required for a LIMIT order)");
      }
      price = price(n.get("price"));
      if (price <= 0) {
        throw new BadRequest("'price' must be positive");
      }
    } else if (n.has("price") && !n.get("price").isNull() && price(n.get("price")) != 0) {
      throw new BadRequest("a MARKET order carries no 'price'");
    }
    long qty = qty(n, true);
    return new NewOrderBody(clOrdId, symbol, side, type, tif, price, qty);
  }

  static ReplaceBody replace(byte[] body) throws BadRequest {
    JsonNode n = parseObject(body, REPLACE_FIELDS);
    String clOrdId = clOrdId(n, "clOrdId");
    long price = 0;
    if (n.has("price") && !n.get("price").isNull()) {
      price = price(n.get("price"));
      if (price <= 0) {
        throw new BadRequest("'price' must be positive");
      }
    }
    long qty = n.has("qty") && !n.get("qty").isNull() ? qty(n, true) : 0;
    if (price == 0 && qty == 0) {
      throw new BadRequest("a replace needs a new 'price' or 'qty'");
    }
    String symbol = text(n, "symbol", false);
    if (symbol != null && !SYMBOL.matcher(symbol).matches()) {
      throw new BadRequest("'symbol' must be 1-20 of A-Z a-z 0-9 . _ -");
    }
    return new ReplaceBody(clOrdId, price, qty, symbol);
  }

  static String clOrdId(JsonNode n, String field) throws BadRequest {
    String s = text(n, field, true);
    if (!CLORDID.matcher(s).matches()) {
      throw new BadRequest("'" + field + "' must be 1-64 printable ASCII characters, no spaces");
    }
    return s;
  }

  static boolean validClOrdId(String s) {
    return s != null && CLORDID.matcher(s).matches();
  }

  private static String text(JsonNode n, String field, boolean required) throws BadRequest {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadRequest("missing field '" + field + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new BadRequest("'" + field + "' must be a string");
    }
    return v.textValue();
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, JsonNode n, String field, E dflt)
      throws BadRequest {
    String s = text(n, field, dflt == null);
    if (s == null) {
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s)) {
        return e;
      }
    }
    throw new BadRequest("'" + field + "' must be one of "
        + java.util.Arrays.toString(type.getEnumConstants()) + ", got '" + clip(s) + "'");
  }

  /** A yen price (string or number, 0.1-yen precision) in 0.1-yen units. */
  static long price(JsonNode v) throws BadRequest {
    String text;
    if (v.isTextual()) {
      text = v.textValue();
      if (text.length() > 24 || !text.matches("[0-9][0-9,]*(\\.[0-9]*)?")) {
        throw new BadRequest("'price' must be a yen amount like \"2000\" or \"2000.5\", got '"
            + clip(text) + "'");
      }
    } else if (v.isNumber()) {
      BigDecimal d = v.decimalValue();
      if (d.signum() < 0) {
        throw new BadRequest("'price' must be positive");
      }
      if (d.precision() - d.scale() > 15 || d.scale() > 15) {
        throw new BadRequest("'price' is out of range or finer than 0.1 yen");
      }
      text = d.toPlainString();
    } else {
      throw new BadRequest("'price' must be a yen amount (string or number)");
    }
    try {
      long units = Prices.parseYen(text);
      if (units > 1_000_000_000_000L) {
        throw new BadRequest("'price' is out of range");
      }
      return units;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new BadRequest("'price': " + clip(e.getMessage()));
    }
  }

  private static long qty(JsonNode n, boolean required) throws BadRequest {
    JsonNode v = n.get("qty");
    if (v == null || v.isNull()) {
      throw new BadRequest("missing field 'qty'");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new BadRequest("INVALID_QUANTITY", "'qty' must be a whole number of shares");
    }
    long q = v.longValue();
    if (q <= 0) {
      throw new BadRequest("INVALID_QUANTITY", "'qty' must be positive, got " + q);
    }
    if (q > MAX_QTY) {
      throw new BadRequest("INVALID_QUANTITY", "'qty' " + q + " is absurdly large");
    }
    return q;
  }

  static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return clip(nl < 0 ? s : s.substring(0, nl));
  }
}
