package io.kabuto.gateway.http;

import static io.kabuto.gateway.http.HttpTestNode.BROKER1;
import static io.kabuto.gateway.http.HttpTestNode.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Refused bodies (413 too large, 429 over the cap) are answered only once the client has sent
 * them whole, on a connection that stays open: an answer sent while the client is still writing
 * makes the server close the connection, and the client's unread bytes turn that close into a
 * reset that can destroy the answer (seen as "header parser received no bytes" in CI).
 */
class HttpBodyLimitsTest {
  private static HttpTestNode n;

  @BeforeAll
  static void start() throws Exception {
    n = new HttpTestNode("kabuto.gateway.participants.BROKER3.rate-per-second = 0.1\n");
  }

  @AfterAll
  static void stop() {
    if (n != null) {
      n.close();
    }
  }

  @Test
  void anOversizeBodyIsReadToItsEndBeforeThe413AndTheConnectionStaysUsable() throws Exception {
    byte[] body = ("{\"clOrdId\":\"" + "x".repeat(40_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", n.port)) {
      String first = halfThenRest(s, BROKER1, body);
      assertTrue(first.startsWith("HTTP/1.1 413"), first);
      assertFalse(first.toLowerCase().contains("connection: close"), first);
      String second = send(s, BROKER1,
          order("lim-1", "S1", "BUY", "1990", 1).getBytes(StandardCharsets.UTF_8));
      assertTrue(second.startsWith("HTTP/1.1 200"), second);
    }
  }

  @Test
  void a429IsSentOnlyAfterTheBodyArrived() throws Exception {
    try (Socket s = new Socket("127.0.0.1", n.port)) {
      String token = "broker3-token";
      String last = "";
      // The cap is one order per 10 s: within a few sends one is refused.
      for (int i = 0; i < 5 && !last.startsWith("HTTP/1.1 429"); i++) {
        byte[] b = order("lim-r" + i, "S2", "BUY", "1990", 1).getBytes(StandardCharsets.UTF_8);
        last = halfThenRest(s, token, b);
      }
      assertTrue(last.startsWith("HTTP/1.1 429"), last);
      assertFalse(last.toLowerCase().contains("connection: close"), last);
      assertTrue(last.contains("more than 0.1 orders per second"), last);
    }
  }

  /** Sends the head and half the body, checks that nothing is answered for 1.2 s, sends the rest. */
  private static String halfThenRest(Socket s, String token, byte[] body) throws Exception {
    int half = body.length / 2;
    OutputStream out = s.getOutputStream();
    out.write(head(token, body.length));
    out.write(body, 0, half);
    out.flush();
    s.setSoTimeout(1_200);
    try {
      int b = s.getInputStream().read();
      throw new AssertionError("answered before the body was complete: " + (char) b
          + new String(s.getInputStream().readNBytes(s.getInputStream().available()),
              StandardCharsets.UTF_8));
    } catch (SocketTimeoutException expected) {
      // nothing yet: right
    }
    return send(s, null, java.util.Arrays.copyOfRange(body, half, body.length));
  }

  /** Writes a request with {@code body} (only the bytes when token is null); reads one answer. */
  private static String send(Socket s, String token, byte[] body) throws Exception {
    OutputStream out = s.getOutputStream();
    if (token != null) {
      out.write(head(token, body.length));
    }
    out.write(body);
    out.flush();
    s.setSoTimeout(10_000);
    return readAnswer(s.getInputStream());
  }

  private static byte[] head(String token, int length) {
    return ("POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Authorization: Bearer " + token + "\r\nContent-Length: " + length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** One HTTP/1.1 answer with a Content-Length body, head and body as text. */
  private static String readAnswer(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed after: " + head);
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
