package io.interactionsync.deploy.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Records of a dump that are sampled together: every record of one resource (an account's message or calendar
 * event, its upserts and deletes) and, for mail, every copy of the message by Message-ID across mailboxes (the
 * sender's and the recipients'), so a rule that compares copies sees all of them.
 */
final class CaptureUnit {

    /** One record of the dump: its position, its value exactly as published, and that value parsed. */
    record Line(int index, String text, JsonNode json) {
    }

    /** {@code mail <Message-ID>} when a record has one, else the first record's resource (a stable hash input). */
    final String key;
    final List<Line> lines = new ArrayList<>();
    /** {@code group.case}, e.g. {@code outlook_mail.bcc}; see {@link CaptureCases}. */
    final Set<String> cases = new TreeSet<>();
    /** The source, or {@code shared} for a shared mailbox's mail; set by the first record tagged. */
    String group;
    /** What the unit adds to the fixture file: characters of each value plus its newline. */
    int bytes;

    CaptureUnit(String key) {
        this.key = key;
    }

    void add(Line line) {
        lines.add(line);
        bytes += line.text().length() + 1;
    }

    @Override
    public String toString() {
        return key + " " + cases;
    }
}
