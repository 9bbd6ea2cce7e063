"""VERIFY.txt: how a recipient checks a dossier, step by step, with standard tools only."""

from __future__ import annotations

from dataclasses import dataclass, field

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "How to verify this dossier ({reference})",
        "intro": "Every check below uses standard tools only: sha256sum (coreutils), OpenSSL, a PDF "
        "signature validator (pyHanko, or Adobe Acrobat Reader) and wacz (Webrecorder). Run them in "
        "the folder where you unzipped the dossier.",
        "seal": "Sealed by: {subject}\nCertificate SHA-256 fingerprint: {fingerprint}\n"
        "Certificate valid until: {not_after}",
        "self_signed": "NOTE: this certificate is self-signed by the installation that made the "
        "dossier. It shows that nothing was changed after sealing, but it is NOT a qualified seal and "
        "does not prove who sealed it. Compare its fingerprint with the one the organisation gives you.",
        "ca": "ca.pem below is the certificate of the authority that issued the seal certificate, "
        "as the organisation gave it to you. {ca_hint}",
        "ca_self": "For this self-signed certificate use the certificate itself:"
        "\n\n   cp seal-certificate.pem ca.pem",
        "ca_chain": "seal-certificate.pem holds the seal certificate and its chain as sent; take the "
        "root from a source you trust.",
        "step_cert": "Look at the seal certificate (subject, issuer, validity, fingerprint):",
        "step_cms": "Check the signatures on the list of hashes and on the manifest (both must say "
        "\"Verification successful\"):",
        "step_sums": "Check every file against the list of hashes (every line must say OK):",
        "withheld": "Lines starting with # name evidence whose last integrity check FAILED: its "
        "content is not in this dossier and must not be taken as intact.",
        "step_ts": "Check the trusted timestamp (RFC 3161) of every evidence item (each must say "
        "\"Verification: OK\"); tsa-ca.pem is the certificate of the timestamp authority:",
        "no_ts": "No trusted timestamps: the times in this dossier are the server's own clock.",
        "step_pdf": "Check the signature on report.pdf (pyHanko; Adobe Acrobat Reader shows the same "
        "in its signature panel):",
        "pdf_no_ts": "The report's signature carries no timestamp (the timestamp authority did not answer).",
        "step_wacz": "Check every captured web page (WACZ, the original web data):",
        "no_wacz": "This dossier holds no captured web pages.",
    },
    "nl": {
        "title": "Zo controleert u dit dossier ({reference})",
        "intro": "Elke controle hieronder gebruikt alleen standaardgereedschap: sha256sum (coreutils), "
        "OpenSSL, een controleprogramma voor PDF-handtekeningen (pyHanko, of Adobe Acrobat Reader) en "
        "wacz (Webrecorder). Voer ze uit in de map waarin u het dossier hebt uitgepakt.",
        "seal": "Verzegeld door: {subject}\nSHA-256-vingerafdruk van het certificaat: {fingerprint}\n"
        "Certificaat geldig tot: {not_after}",
        "self_signed": "LET OP: dit certificaat is zelf ondertekend door de installatie die het "
        "dossier maakte. Het toont dat er na het verzegelen niets is gewijzigd, maar het is GEEN "
        "gekwalificeerd zegel en bewijst niet wie verzegelde. Vergelijk de vingerafdruk met die welke "
        "de organisatie u geeft.",
        "ca": "ca.pem hieronder is het certificaat van de instantie die het zegelcertificaat uitgaf, "
        "zoals de organisatie het u gaf. {ca_hint}",
        "ca_self": "Neem bij dit zelf ondertekende certificaat het certificaat zelf:"
        "\n\n   cp seal-certificate.pem ca.pem",
        "ca_chain": "seal-certificate.pem bevat het zegelcertificaat en de keten zoals meegestuurd; "
        "neem de basis (root) uit een bron die u vertrouwt.",
        "step_cert": "Bekijk het zegelcertificaat (houder, uitgever, geldigheid, vingerafdruk):",
        "step_cms": "Controleer de handtekeningen op de lijst met hashes en op het manifest (beide "
        "moeten \"Verification successful\" melden):",
        "step_sums": "Controleer elk bestand tegen de lijst met hashes (elke regel moet OK melden):",
        "withheld": "Regels die met # beginnen noemen bewijs waarvan de laatste integriteitscontrole "
        "MISLUKTE: de inhoud zit niet in dit dossier en mag niet als intact gelden.",
        "step_ts": "Controleer het vertrouwde tijdstempel (RFC 3161) van elk bewijsstuk (elk moet "
        "\"Verification: OK\" melden); tsa-ca.pem is het certificaat van de tijdstempeldienst:",
        "no_ts": "Geen vertrouwde tijdstempels: de tijden in dit dossier komen van de klok van de server.",
        "step_pdf": "Controleer de handtekening op report.pdf (pyHanko; Adobe Acrobat Reader toont "
        "hetzelfde in het handtekeningenpaneel):",
        "pdf_no_ts": "De handtekening op het rapport heeft geen tijdstempel (de tijdstempeldienst "
        "antwoordde niet).",
        "step_wacz": "Controleer elke vastgelegde webpagina (WACZ, de originele webgegevens):",
        "no_wacz": "Dit dossier bevat geen vastgelegde webpagina's.",
    },
    "da": {
        "title": "Sådan kontrolleres dette dossier ({reference})",
        "intro": "Alle kontroller nedenfor bruger kun standardværktøjer: sha256sum (coreutils), "
        "OpenSSL, et program til kontrol af PDF-signaturer (pyHanko eller Adobe Acrobat Reader) og "
        "wacz (Webrecorder). Kør dem i den mappe, hvor dossieret er pakket ud.",
        "seal": "Forseglet af: {subject}\nCertifikatets SHA-256-fingeraftryk: {fingerprint}\n"
        "Certifikatet er gyldigt til: {not_after}",
        "self_signed": "BEMÆRK: certifikatet er underskrevet af den installation, der lavede "
        "dossieret. Det viser, at intet er ændret efter forseglingen, men det er IKKE et kvalificeret "
        "segl og beviser ikke, hvem der forseglede. Sammenlign fingeraftrykket med det, organisationen "
        "giver dig.",
        "ca": "ca.pem nedenfor er certifikatet for den myndighed, der udstedte seglcertifikatet, sådan "
        "som organisationen gav dig det. {ca_hint}",
        "ca_self": "Brug ved dette selvsignerede certifikat certifikatet selv:"
        "\n\n   cp seal-certificate.pem ca.pem",
        "ca_chain": "seal-certificate.pem indeholder seglcertifikatet og kæden som sendt; tag roden "
        "fra en kilde, du stoler på.",
        "step_cert": "Se seglcertifikatet (indehaver, udsteder, gyldighed, fingeraftryk):",
        "step_cms": "Kontrollér signaturerne på listen over hashværdier og på manifestet (begge skal "
        "sige \"Verification successful\"):",
        "step_sums": "Kontrollér hver fil mod listen over hashværdier (hver linje skal sige OK):",
        "withheld": "Linjer, der begynder med #, nævner beviser, hvis seneste integritetskontrol "
        "MISLYKKEDES: indholdet er ikke med i dossieret og må ikke anses for intakt.",
        "step_ts": "Kontrollér det betroede tidsstempel (RFC 3161) for hvert bevis (hvert skal sige "
        "\"Verification: OK\"); tsa-ca.pem er tidsstempeltjenestens certifikat:",
        "no_ts": "Ingen betroede tidsstempler: tidspunkterne i dossieret er serverens eget ur.",
        "step_pdf": "Kontrollér signaturen på report.pdf (pyHanko; Adobe Acrobat Reader viser det "
        "samme i signaturpanelet):",
        "pdf_no_ts": "Rapportens signatur har intet tidsstempel (tidsstempeltjenesten svarede ikke).",
        "step_wacz": "Kontrollér hver sikret webside (WACZ, de originale webdata):",
        "no_wacz": "Dossieret indeholder ingen sikrede websider.",
    },
}  # fmt: skip


@dataclass
class VerifyFacts:
    """What VERIFY.txt names: the dossier's files and the seal."""

    reference: str
    language: str
    subject: str
    fingerprint: str
    not_after: str
    self_signed: bool
    withheld: bool
    pdf_timestamped: bool
    # (token path, hex SHA-256 it stamps); the TSA certificates are tsa-ca.pem
    timestamps: list[tuple[str, str]] = field(default_factory=list)
    wacz: list[str] = field(default_factory=list)
    tsa_ca: bool = False  # tsa-ca.pem (the TSA's certificates) is in the dossier


def text(facts: VerifyFacts) -> str:
    """VERIFY.txt in the organisation's language."""
    t = TEXTS.get(facts.language, TEXTS["en"])
    lines = [t["title"].format(reference=facts.reference), "=" * 60, "", t["intro"], ""]
    lines += [
        t["seal"].format(subject=facts.subject, fingerprint=facts.fingerprint, not_after=facts.not_after)
    ]
    if facts.self_signed:
        lines += ["", t["self_signed"]]
    lines += ["", t["ca"].format(ca_hint=t["ca_self"] if facts.self_signed else t["ca_chain"]), ""]
    step = 0

    def head(key: str) -> None:
        nonlocal step
        step += 1
        lines.extend(["", f"{step}. {t[key]}", ""])

    head("step_cert")
    lines.append(
        "   openssl x509 -in seal-certificate.pem -noout -subject -issuer -dates -fingerprint -sha256"
    )
    head("step_cms")
    for name in ("SHA256SUMS", "manifest.json"):
        lines.append(
            f"   openssl cms -verify -binary -inform DER -content {name} -in {name}.p7s "
            "-CAfile ca.pem -out /dev/null"
        )
    head("step_sums")
    lines.append("   sha256sum -c SHA256SUMS")
    if facts.withheld:
        lines += ["", "   " + t["withheld"]]
    head("step_ts")
    if facts.timestamps:
        for path, digest in facts.timestamps:
            lines.append(f"   openssl ts -verify -digest {digest} -in {path} -CAfile tsa-ca.pem")
    else:
        lines.append("   " + t["no_ts"])
    head("step_pdf")
    trust = (
        "--trust ca.pem --trust tsa-ca.pem" if facts.tsa_ca and facts.pdf_timestamped else "--trust ca.pem"
    )
    lines.append(f"   pyhanko sign validate --pretty-print --no-revocation-check {trust} report.pdf")
    if not facts.pdf_timestamped:
        lines += ["", "   " + t["pdf_no_ts"]]
    head("step_wacz")
    lines += [f"   wacz validate -f {path}" for path in facts.wacz] or ["   " + t["no_wacz"]]
    return "\n".join(lines) + "\n"
