package net.twinblock.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import net.twinblock.iscsi.config.AccessControl;
import net.twinblock.iscsi.config.ChapAlgorithm;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.config.InitiatorAcl;

/**
 * iscsi.acl and iscsi.acl.N.* checked together into the frontend's {@link AccessControl}:
 * the IQNs of iscsi.acl (target-wide CHAP), then each iscsi.acl.N entry with its own CHAP
 * credentials, if any. Neither set: anyone may log in.
 */
final class AccessSettings {

    private AccessSettings() {
    }

    static AccessControl of(NodeConfig node, RawConfig raw) throws ConfigException {
        boolean discoveryChap = node.get(Keys.ISCSI_CHAP_DISCOVERY);
        List<ChapAlgorithm> algorithms = node.get(Keys.ISCSI_CHAP_ALGORITHMS);
        TreeMap<Integer, InitiatorAcl> entries = new TreeMap<>();
        for (int n : entryNumbers(raw)) {
            entries.put(n, entry(raw, n));
        }
        List<String> listed = node.get(Keys.ISCSI_ACL);
        if (listed == null && entries.isEmpty()) {
            return new AccessControl(null, discoveryChap, algorithms);
        }
        List<InitiatorAcl> out = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        for (String iqn : listed == null ? List.<String>of() : listed) {
            seen.add(iqn);
            out.add(new InitiatorAcl(iqn, ChapConfig.NONE));
        }
        for (var e : entries.entrySet()) {
            String iqn = e.getValue().iqn();
            if (!seen.add(iqn.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(Keys.aclKeyName(e.getKey(), Keys.ACL_IQN), iqn
                        + " is already listed (in " + Keys.ISCSI_ACL.name() + " or another entry)", iqn);
            }
            out.add(e.getValue());
        }
        return new AccessControl(out, discoveryChap, algorithms);
    }

    private static TreeSet<Integer> entryNumbers(RawConfig raw) throws ConfigException {
        TreeSet<Integer> numbers = new TreeSet<>();
        for (String name : raw.entries().keySet()) {
            Matcher m = Keys.ACL_KEY.matcher(name);
            if (m.matches() && !raw.get(name).isBlank()) {
                String number = m.group(1);
                if ((number.length() > 1 && number.charAt(0) == '0') || number.length() > 4) {
                    throw new ConfigException(name, "entry number must be 0 to 9999 without leading zeros", "");
                }
                numbers.add(Integer.parseInt(number));
            }
        }
        return numbers;
    }

    private static InitiatorAcl entry(RawConfig raw, int n) throws ConfigException {
        String iqn = value(raw, n, Keys.ACL_IQN);
        if (iqn == null) {
            throw new ConfigException(Keys.aclKeyName(n, Keys.ACL_IQN), "must be set: iscsi.acl." + n
                    + ".* names no initiator", "");
        }
        String user = value(raw, n, Keys.ACL_CHAP_USER);
        String secret = value(raw, n, Keys.ACL_CHAP_SECRET);
        String mutualUser = value(raw, n, Keys.ACL_CHAP_MUTUAL_USER);
        String mutualSecret = value(raw, n, Keys.ACL_CHAP_MUTUAL_SECRET);
        together(n, Keys.ACL_CHAP_USER, user, Keys.ACL_CHAP_SECRET, secret);
        together(n, Keys.ACL_CHAP_MUTUAL_USER, mutualUser, Keys.ACL_CHAP_MUTUAL_SECRET, mutualSecret);
        if (mutualUser != null && user == null) {
            throw new ConfigException(Keys.aclKeyName(n, Keys.ACL_CHAP_MUTUAL_USER), "mutual CHAP needs "
                    + Keys.aclKeyName(n, Keys.ACL_CHAP_USER) + " too", mutualUser);
        }
        if (secret != null && secret.equals(mutualSecret)) {
            // One secret for both directions lets a man in the middle reflect our own challenge.
            throw new ConfigException(Keys.aclKeyName(n, Keys.ACL_CHAP_MUTUAL_SECRET), "must differ from "
                    + Keys.aclKeyName(n, Keys.ACL_CHAP_SECRET), "<hidden>");
        }
        ChapConfig chap = user == null ? ChapConfig.NONE : new ChapConfig(user, secret, mutualUser, mutualSecret);
        return new InitiatorAcl(iqn, chap);
    }

    private static void together(int n, Key<String> user, String userValue, Key<String> secret, String secretValue)
            throws ConfigException {
        if (userValue != null && secretValue == null) {
            throw new ConfigException(Keys.aclKeyName(n, secret), "must be set when "
                    + Keys.aclKeyName(n, user) + " is set", "");
        }
        if (userValue == null && secretValue != null) {
            throw new ConfigException(Keys.aclKeyName(n, user), "must be set when "
                    + Keys.aclKeyName(n, secret) + " is set", "");
        }
    }

    private static String value(RawConfig raw, int n, Key<String> template) throws ConfigException {
        String name = Keys.aclKeyName(n, template);
        return template.parse(name, raw.get(name));
    }
}
