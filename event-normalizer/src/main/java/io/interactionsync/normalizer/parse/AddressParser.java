package io.interactionsync.normalizer.parse;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;

/**
 * RFC 5322 address headers → valid mailboxes (R-A1..R-A4). Never splits on commas: Jakarta Mail / Angus
 * {@code InternetAddress.parseHeader(value, false)} first, mime4j's lenient parser when that throws; every
 * result is validated ({@link AddressKeys#key}) and junk is dropped and counted. Groups are flattened.
 */
public final class AddressParser {

    static {
        // R-A1: decode RFC 2047 words even inside a phrase ("Jane =?UTF-8?Q?D=C3=B6e?=" and run-together words).
        // MimeUtility reads this once, when it is first loaded: set it before anything touches Jakarta Mail.
        System.setProperty("mail.mime.decodetext.strict", "false");
        // Jakarta Mail 2.1 looks its StreamProvider up with a ServiceLoader classpath scan on every encoded word it
        // decodes (most of the parse time for names like =?UTF-8?Q?J=C3=B6rg?=); naming the provider in the system
        // property it reads first makes that a cached class lookup.
        String provider = "org.eclipse.angus.mail.util.MailStreamProvider";
        try {
            Class.forName(provider, false, AddressParser.class.getClassLoader());
            if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
                System.setProperty("jakarta.mail.util.StreamProvider", provider);
            }
        } catch (ClassNotFoundException e) {
            // another implementation: keep Jakarta's own lookup
        }
    }

    /** The valid addresses of a header, in order, and how many parsed entries were junk. */
    public record Result(List<ParsedAddress> addresses, int dropped) {
        public static final Result EMPTY = new Result(List.of(), 0);
    }

    private AddressParser() {
    }

    /**
     * Header values repeat (a correspondent's From, a team's usual To line); results are immutable, so parsed values
     * are memoised (bounded, short values only). Evictions run on the calling thread, as in AddressKeys.
     */
    private static final LoadingCache<String, Result> PARSED = Caffeine.newBuilder().maximumSize(20_000)
            .executor(Runnable::run).build(AddressParser::parseUncached);

    /** Parses one address header value (or several occurrences joined by the caller). */
    public static Result parse(String header) {
        if (header == null || header.isBlank()) {
            return Result.EMPTY;
        }
        return header.length() <= 1000 ? PARSED.get(header) : parseUncached(header);
    }

    private static Result parseUncached(String header) {
        Result result;
        try {
            result = validate(jakarta(header));
        } catch (AddressException | RuntimeException e) {
            return validate(mime4j(header));
        }
        if (result.dropped() > 0) {
            // Non-strict Jakarta returns junk rather than throwing on e.g. a missing '>': let the lenient parser try,
            // and keep whichever found more valid mailboxes.
            Result lenient = validate(mime4j(header));
            if (lenient.addresses().size() > result.addresses().size()) {
                return lenient;
            }
        }
        return result;
    }

    /**
     * One address given as a structured object (Graph {@code emailAddress{address,name}}, Calendar attendee
     * {@code email/displayName}): not a header, so it is never parsed for lists, only validated (R-A2) like every
     * parsed result. A value written as {@code Name <addr>} is parsed as a header.
     */
    public static Result ofObject(String address, String name) {
        if (address == null || address.isBlank()) {
            return Result.EMPTY;
        }
        if (address.indexOf('<') >= 0) {
            Result r = parse(address);
            if (r.addresses().size() == 1 && r.addresses().get(0).name() == null && name != null) {
                ParsedAddress a = r.addresses().get(0);
                return new Result(List.of(new ParsedAddress(a.address(), a.normalized(), a.key(), cleanName(name))),
                        r.dropped());
            }
            return r;
        }
        List<String[]> one = new ArrayList<>(1);
        // Graph repeats the address as the name when there is none.
        one.add(new String[] {address, name != null && name.strip().equalsIgnoreCase(address.strip()) ? null : name});
        return validate(one);
    }

    private static Result validate(List<String[]> candidates) {
        List<ParsedAddress> valid = new ArrayList<>(candidates.size());
        int dropped = 0;
        for (String[] c : candidates) {
            Optional<String> normalized = AddressKeys.normalized(c[0]);
            Optional<String> key = normalized.flatMap(AddressKeys::key);
            if (key.isPresent()) {
                valid.add(new ParsedAddress(c[0].strip(), normalized.get(), key.get(), cleanName(c[1])));
            } else {
                dropped++;
            }
        }
        return new Result(List.copyOf(valid), dropped);
    }

    private static List<String[]> jakarta(String header) throws AddressException {
        List<String[]> out = new ArrayList<>();
        for (InternetAddress a : InternetAddress.parseHeader(header, false)) {
            if (a.isGroup()) {
                InternetAddress[] members = a.getGroup(false);
                if (members != null) {
                    for (InternetAddress m : members) {
                        out.add(new String[] {m.getAddress(), m.getPersonal()});
                    }
                }
            } else if (a.getAddress() != null && !a.getAddress().isBlank()) {
                out.add(new String[] {a.getAddress(), a.getPersonal()});
            }
        }
        return out;
    }

    private static List<String[]> mime4j(String header) {
        List<String[]> out = new ArrayList<>();
        AddressList list;
        try {
            list = LenientAddressParser.DEFAULT.parseAddressList(header);
        } catch (RuntimeException e) {
            return out;
        }
        for (Address a : list) {
            if (a instanceof Group g) {
                for (Mailbox m : g.getMailboxes()) {
                    out.add(fromMime4j(m));
                }
            } else if (a instanceof Mailbox m) {
                out.add(fromMime4j(m));
            }
        }
        return out;
    }

    private static String[] fromMime4j(Mailbox m) {
        String address = m.getDomain() == null ? m.getLocalPart() : m.getLocalPart() + "@" + m.getDomain();
        String name = m.getName() == null ? null : DecoderUtil.decodeEncodedWords(m.getName(), DecodeMonitor.SILENT);
        return new String[] {address, name};
    }

    private static String cleanName(String name) {
        if (name == null) {
            return null;
        }
        String n = name.strip();
        if (n.length() >= 2 && (n.startsWith("\"") && n.endsWith("\"") || n.startsWith("'") && n.endsWith("'"))) {
            n = n.substring(1, n.length() - 1).strip();
        }
        return n.isEmpty() ? null : n;
    }
}
