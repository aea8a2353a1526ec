package io.kabuto.gateway.http;

import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;

/** A WebSocket listener that puts each whole text message (frames joined) into a queue. */
public final class WebSocketMessages implements WebSocket.Listener {
  private final BlockingQueue<String> out;
  private final StringBuilder buf = new StringBuilder();

  public WebSocketMessages(BlockingQueue<String> out) {
    this.out = out;
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    buf.append(data);
    if (last) {
      out.add(buf.toString());
      buf.setLength(0);
    }
    ws.request(1);
    return null;
  }
}
