package io.github.roleprobe.testkit.internal;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes STS Query-protocol XML answers with {@link XMLStreamWriter}, so values are escaped. Thread-safe. */
public final class StsXml {

    /** The STS 2011-06-15 XML namespace. */
    public static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private StsXml() {
    }

    /**
     * @param c         the caller's credentials
     * @param requestId request id to report
     * @return a {@code GetCallerIdentityResponse} document
     */
    public static byte[] getCallerIdentity(IssuedCredentials c, String requestId) {
        return write(w -> {
            w.writeStartElement("GetCallerIdentityResponse");
            w.writeDefaultNamespace(NS);
            w.writeStartElement("GetCallerIdentityResult");
            element(w, "Arn", c.callerArn());
            element(w, "UserId", c.userId());
            element(w, "Account", c.accountId());
            w.writeEndElement();
            metadata(w, requestId);
            w.writeEndElement();
        });
    }

    /**
     * @param c         the new credentials
     * @param subject   the token's subject
     * @param audience  the token's audience
     * @param provider  the OIDC provider
     * @param requestId request id to report
     * @return an {@code AssumeRoleWithWebIdentityResponse} document
     */
    public static byte[] assumeRoleWithWebIdentity(IssuedCredentials c, String subject, String audience,
                                                   String provider, String requestId) {
        return write(w -> {
            w.writeStartElement("AssumeRoleWithWebIdentityResponse");
            w.writeDefaultNamespace(NS);
            w.writeStartElement("AssumeRoleWithWebIdentityResult");
            element(w, "SubjectFromWebIdentityToken", subject);
            element(w, "Audience", audience);
            w.writeStartElement("AssumedRoleUser");
            element(w, "Arn", c.callerArn());
            element(w, "AssumedRoleId", c.userId());
            w.writeEndElement();
            w.writeStartElement("Credentials");
            element(w, "AccessKeyId", c.accessKeyId());
            element(w, "SecretAccessKey", c.secretAccessKey());
            element(w, "SessionToken", c.sessionToken());
            element(w, "Expiration", Json.iso(c.expiration()));
            w.writeEndElement();
            element(w, "Provider", provider);
            w.writeEndElement();
            metadata(w, requestId);
            w.writeEndElement();
        });
    }

    /**
     * @param sender    true for a {@code Sender} (client) fault, false for {@code Receiver}
     * @param code      error code such as {@code Throttling}
     * @param message   error message
     * @param requestId request id to report
     * @return an {@code ErrorResponse} document
     */
    public static byte[] error(boolean sender, String code, String message, String requestId) {
        return write(w -> {
            w.writeStartElement("ErrorResponse");
            w.writeDefaultNamespace(NS);
            w.writeStartElement("Error");
            element(w, "Type", sender ? "Sender" : "Receiver");
            element(w, "Code", code);
            element(w, "Message", message);
            w.writeEndElement();
            element(w, "RequestId", requestId);
            w.writeEndElement();
        });
    }

    private static void metadata(XMLStreamWriter w, String requestId) throws XMLStreamException {
        w.writeStartElement("ResponseMetadata");
        element(w, "RequestId", requestId);
        w.writeEndElement();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static byte[] write(Body body) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.setDefaultNamespace(NS);
            body.write(w);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
