package dev.frugal.wire;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class CsvTest {

    @Test
    void quotedFieldsHoldCommasQuotesAndLineBreaksAndKeepTheirStartingLine() {
        List<String> problems = new ArrayList<>();
        List<Csv.Record> r = Csv.read("\uFEFFprompt,a_correct\r\n"
                + "\"two\nlines, and a \"\"quote\"\"\",1\r\n"
                + "\r\n"
                + "plain,0", problems);

        assertEquals(List.of(), problems);
        assertEquals(List.of(new Csv.Record(1, List.of("prompt", "a_correct")),
                new Csv.Record(2, List.of("two\nlines, and a \"quote\"", "1")),
                new Csv.Record(5, List.of("plain", "0"))), r);
    }

    @Test
    void emptyFieldsAndATrailingLineFeed() {
        assertEquals(List.of(new Csv.Record(1, List.of("", "x", "")), new Csv.Record(2, List.of("", ""))),
                Csv.read(",x,\n\"\",\n", new ArrayList<>()));
    }

    @Test
    void aQuoteNeverClosedIsAProblemWithItsLine() {
        List<String> problems = new ArrayList<>();
        Csv.read("a,b\nc,\"open\nstill open\n", problems);
        assertEquals(List.of("line 2: a quoted field is never closed"), problems);
    }

    @Test
    void nothingButBlankLinesIsNoRecord() {
        assertEquals(List.of(), Csv.read("\n\r\n  \n", new ArrayList<>()));
    }
}
