package io.kabuto.bench.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import quickfix.DataDictionary;
import quickfix.Message;
import quickfix.field.AvgPx;
import quickfix.field.ClOrdID;
import quickfix.field.CumQty;
import quickfix.field.ExecID;
import quickfix.field.ExecType;
import quickfix.field.LeavesQty;
import quickfix.field.MsgSeqNum;
import quickfix.field.OrdStatus;
import quickfix.field.OrderID;
import quickfix.field.SenderCompID;
import quickfix.field.SendingTime;
import quickfix.field.Side;
import quickfix.field.TargetCompID;
import quickfix.field.Text;
import quickfix.fix44.ExecutionReport;

/** The load client's raw FIX encoder and decoder, checked against QuickFIX/J (the gateway's). */
class FixCodecTest {

  private static final byte[] BENCH = "BENCH01".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KABUTO = "KABUTO".getBytes(StandardCharsets.US_ASCII);

  @Test
  void newOrderSingleIsValidFix44ForQuickFixJ() throws Exception {
    FixWriter w = new FixWriter();
    w.begin("D", BENCH, KABUTO, 12345).clOrdId(11, 'N', 987).field(55, "7203").field(54, '1')
        .now(60).field(38, 300L).field(40, '2').field(44, "2000.5".getBytes(StandardCharsets.US_ASCII))
        .field(59, '0').finish();
    String wire = new String(w.bytes(), w.offset(), w.length(), StandardCharsets.US_ASCII);

    DataDictionary dd = new DataDictionary("FIX44.xml");
    Message m = new Message();
    m.fromString(wire, dd, true); // checks BodyLength and CheckSum
    dd.validate(m); // required fields, types, order
    assertEquals("N987", m.getString(11));
    assertEquals("2000.5", m.getString(44));
    assertEquals(12345, m.getHeader().getInt(34));
    assertEquals("KABUTO", m.getHeader().getString(56));
    String back = m.toString(); // QuickFIX/J recomputes length and checksum (its field order)
    assertEquals(wire.length(), back.length());
    assertEquals(wire.substring(wire.lastIndexOf("\u000110=")), back.substring(back.lastIndexOf("\u000110=")));
  }

  @Test
  void cancelRequestIsValidFix44() throws Exception {
    FixWriter w = new FixWriter();
    for (int i = 0; i < 3; i++) { // the buffer is reused: every message must stand alone
      w.begin("F", BENCH, KABUTO, 7 + i).clOrdId(41, 'N', 5).clOrdId(11, 'X', 8 + i)
          .field(55, "6758").field(54, '2').now(60).field(38, 100L).finish();
      String wire = new String(w.bytes(), w.offset(), w.length(), StandardCharsets.US_ASCII);
      DataDictionary dd = new DataDictionary("FIX44.xml");
      Message m = new Message();
      m.fromString(wire, dd, true);
      dd.validate(m);
      assertEquals("X" + (8 + i), m.getString(11));
    }
  }

  @Test
  void readerSplitsAStreamAndPicksTheFields() throws Exception {
    String a = er("N42", ExecType.NEW, OrdStatus.NEW, 300, 1, null);
    String b = er("N43", ExecType.REJECTED, OrdStatus.REJECTED, 0, 2, "QUANTITY_LIMIT: too big");
    String c = er("B-77", ExecType.TRADE, OrdStatus.FILLED, 0, 3, null);
    // one byte per read: every message boundary falls inside a read somewhere
    InputStream slow = new ByteArrayInputStream((a + b + c).getBytes(StandardCharsets.US_ASCII)) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1));
      }
    };
    FixReader r = new FixReader(slow);
    r.next();
    assertEquals("8", r.msgType);
    assertEquals('N', r.clOrdKind);
    assertEquals(42, r.clOrdNum);
    assertEquals('0', r.execType);
    assertEquals(300, r.leavesQty);
    assertEquals(1, r.msgSeqNum);
    r.next();
    assertEquals(43, r.clOrdNum);
    assertEquals('8', r.execType);
    assertEquals("QUANTITY_LIMIT: too big", r.text);
    r.next();
    assertEquals(0, r.clOrdKind, "not one of the client's ClOrdIDs");
    assertEquals('F', r.execType);
    assertEquals('2', r.ordStatus);
    assertThrows(EOFException.class, r::next);
  }

  private static String er(String clOrdId, char execType, char status, long leaves, int seq, String text) {
    ExecutionReport er = new ExecutionReport(new OrderID("1"), new ExecID("e" + seq),
        new ExecType(execType), new OrdStatus(status), new Side(Side.BUY), new LeavesQty(leaves),
        new CumQty(0), new AvgPx(0));
    er.set(new ClOrdID(clOrdId));
    if (text != null) {
      er.set(new Text(text));
    }
    er.getHeader().setString(SenderCompID.FIELD, "KABUTO");
    er.getHeader().setString(TargetCompID.FIELD, "BENCH01");
    er.getHeader().setInt(MsgSeqNum.FIELD, seq);
    er.getHeader().setUtcTimeStamp(SendingTime.FIELD, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC));
    return er.toString();
  }
}
