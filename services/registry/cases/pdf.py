"""A trace request as a PDF, in the request's language (English, French, Portuguese,
Spanish), with fpdf2's core Helvetica font.

fpdf2 bundles no Unicode font, and the core fonts cover Latin-1 only: the accents of
French, Portuguese and Spanish are in it, and any other character is transliterated
(its accents dropped) or replaced by ``?``, never an error.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.registry.models import Case, CaseItem, TraceRequest

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Tracing request",
        "reference": "Reference",
        "requester": "Requesting organisation",
        "date": "Date",
        "recipient": "Addressed to",
        "case": "Case",
        "weapon": "The weapon (International Tracing Instrument, paragraph 17)",
        "marking": "Marking",
        "type": "Type",
        "calibre": "Calibre",
        "manufacturer": "Manufacturer",
        "model": "Model",
        "context": "Context of the recovery",
        "asked": "Information requested",
        "deadline": "Reply expected by",
        "proof": "Record and proof in the transparency log",
        "record": "Record",
        "log_index": "Log entry",
        "leaf_hash": "Leaf hash (SHA-256)",
        "proof_url": "Inclusion proof",
        "checkpoint": "Checkpoint (tree size: SIZE)",
        "no_proof": "This record is not a declaration in the transparency log.",
        "tree_size": "Tree size",
        "audit_path": "Audit path (RFC 9162, base64)",
        "signed_checkpoint": "Signed checkpoint (C2SP)",
        "verifier_key": "The log's verifier key",
        "verify": "To verify offline: hash the leaf hash with the audit path (RFC 9162,"
        " section 2.1.3.2) up to a root; it must be the checkpoint's root (its third line),"
        " and the checkpoint's signature must hold under the log's key. The exact proof is"
        " attached to this PDF as log-proof.json (a signature line begins with an em dash,"
        " printed here as -).",
        "not_kept": "This record was indexed before the register kept proofs: fetch the"
        " proof from the log at the addresses below.",
    },
    "fr": {
        "title": "Demande de traçage",
        "reference": "Référence",
        "requester": "Organisation requérante",
        "date": "Date",
        "recipient": "Destinataire",
        "case": "Dossier",
        "weapon": "L'arme (Instrument international de traçage, paragraphe 17)",
        "marking": "Marquage",
        "type": "Type",
        "calibre": "Calibre",
        "manufacturer": "Fabricant",
        "model": "Modèle",
        "context": "Contexte de la découverte",
        "asked": "Informations demandées",
        "deadline": "Réponse attendue avant le",
        "proof": "Enregistrement et preuve dans le journal de transparence",
        "record": "Enregistrement",
        "log_index": "Entrée du journal",
        "leaf_hash": "Empreinte de la feuille (SHA-256)",
        "proof_url": "Preuve d'inclusion",
        "checkpoint": "Point de contrôle (taille : SIZE)",
        "no_proof": "Cet enregistrement n'est pas une déclaration du journal de transparence.",
        "tree_size": "Taille de l'arbre",
        "audit_path": "Chemin d'audit (RFC 9162, base64)",
        "signed_checkpoint": "Point de contrôle signé (C2SP)",
        "verifier_key": "Clé de vérification du journal",
        "verify": "Pour vérifier hors ligne : hacher l'empreinte de la feuille avec le chemin"
        " d'audit (RFC 9162, section 2.1.3.2) jusqu'à une racine ; ce doit être la racine du"
        " point de contrôle (sa troisième ligne), et sa signature doit être valide sous la clé"
        " du journal. La preuve exacte est jointe à ce PDF (log-proof.json ; une ligne de"
        " signature commence par un tiret cadratin, imprimé ici -).",
        "not_kept": "Cet enregistrement a été indexé avant que le registre ne garde les"
        " preuves : obtenir la preuve auprès du journal aux adresses ci-dessous.",
    },
    "pt": {
        "title": "Pedido de rastreio",
        "reference": "Referência",
        "requester": "Organização requerente",
        "date": "Data",
        "recipient": "Destinatário",
        "case": "Processo",
        "weapon": "A arma (Instrumento Internacional de Rastreio, parágrafo 17)",
        "marking": "Marcação",
        "type": "Tipo",
        "calibre": "Calibre",
        "manufacturer": "Fabricante",
        "model": "Modelo",
        "context": "Contexto da recuperação",
        "asked": "Informações solicitadas",
        "deadline": "Resposta esperada até",
        "proof": "Registo e prova no registo de transparência",
        "record": "Registo",
        "log_index": "Entrada do registo",
        "leaf_hash": "Hash da folha (SHA-256)",
        "proof_url": "Prova de inclusão",
        "checkpoint": "Ponto de controlo (tamanho: SIZE)",
        "no_proof": "Este registo não é uma declaração do registo de transparência.",
        "tree_size": "Tamanho da árvore",
        "audit_path": "Caminho de auditoria (RFC 9162, base64)",
        "signed_checkpoint": "Ponto de controlo assinado (C2SP)",
        "verifier_key": "Chave de verificação do registo",
        "verify": "Para verificar offline: calcular o hash da folha com o caminho de"
        " auditoria (RFC 9162, secção 2.1.3.2) até uma raiz; deve ser a raiz do ponto de"
        " controlo (a sua terceira linha), e a assinatura deve ser válida com a chave do"
        " registo. A prova exata está anexada a este PDF (log-proof.json; uma linha de"
        " assinatura começa por um travessão, impresso aqui como -).",
        "not_kept": "Este registo foi indexado antes de o registo guardar as provas: obter a"
        " prova no registo de transparência nos endereços abaixo.",
    },
    "es": {
        "title": "Solicitud de rastreo",
        "reference": "Referencia",
        "requester": "Organización solicitante",
        "date": "Fecha",
        "recipient": "Destinatario",
        "case": "Expediente",
        "weapon": "El arma (Instrumento Internacional de Localización, párrafo 17)",
        "marking": "Marcaje",
        "type": "Tipo",
        "calibre": "Calibre",
        "manufacturer": "Fabricante",
        "model": "Modelo",
        "context": "Contexto de la recuperación",
        "asked": "Información solicitada",
        "deadline": "Respuesta esperada antes del",
        "proof": "Registro y prueba en el registro de transparencia",
        "record": "Registro",
        "log_index": "Entrada del registro",
        "leaf_hash": "Hash de la hoja (SHA-256)",
        "proof_url": "Prueba de inclusión",
        "checkpoint": "Punto de control (tamaño: SIZE)",
        "no_proof": "Este registro no es una declaración del registro de transparencia.",
        "tree_size": "Tamaño del árbol",
        "audit_path": "Ruta de auditoría (RFC 9162, base64)",
        "signed_checkpoint": "Punto de control firmado (C2SP)",
        "verifier_key": "Clave de verificación del registro",
        "verify": "Para verificar sin conexión: calcular el hash de la hoja con la ruta de"
        " auditoría (RFC 9162, sección 2.1.3.2) hasta una raíz; debe ser la raíz del punto de"
        " control (su tercera línea), y su firma debe ser válida con la clave del registro."
        " La prueba exacta va adjunta a este PDF (log-proof.json; una línea de firma empieza"
        " por una raya, impresa aquí como -).",
        "not_kept": "Este registro se indexó antes de que el registro guardara las pruebas:"
        " obtener la prueba del registro de transparencia en las direcciones siguientes.",
    },
}


ROLES: dict[str, dict[str, str]] = {
    "en": {
        "producing_state": "producing state",
        "last_exporter": "last exporting state",
        "last_importer": "last importing state",
        "contributing_state": "contributing state",
    },
    "fr": {
        "producing_state": "État producteur",
        "last_exporter": "dernier État exportateur",
        "last_importer": "dernier État importateur",
        "contributing_state": "État contributeur",
    },
    "pt": {
        "producing_state": "Estado produtor",
        "last_exporter": "último Estado exportador",
        "last_importer": "último Estado importador",
        "contributing_state": "Estado contribuinte",
    },
    "es": {
        "producing_state": "Estado productor",
        "last_exporter": "último Estado exportador",
        "last_importer": "último Estado importador",
        "contributing_state": "Estado contribuyente",
    },
}
# Punctuation people paste from word processors, outside Latin-1, and its plain form.
_PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2022": "-",
        "\u202f": " ",
        "\u2009": " ",
    }
)


@dataclass(frozen=True)
class PdfContext:
    """What the PDF cites beyond the request: when it is printed, where the log lives."""

    printed_at: datetime
    declarations_url: str
    log_key: str = ""


def latin1(text: str) -> str:
    """``text`` in the core fonts' Latin-1: accents outside it dropped, else ``?``."""
    out = []
    for char in text.translate(_PLAIN):
        if ord(char) < 256:
            out.append(char)
            continue
        stripped = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(stripped if stripped and all(ord(c) < 256 for c in stripped) else "?")
    return "".join(out)


_LABEL_WIDTH = 55  # millimetres


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("Helvetica", size=10)

    def heading(self, text: str, size: int = 12) -> None:
        self.set_font("Helvetica", style="B", size=size)
        self.multi_cell(0, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=10)

    def field(self, label: str, value: str | None) -> None:
        self.set_font("Helvetica", style="B", size=10)
        if self.get_string_width(latin1(label)) > _LABEL_WIDTH - 2:
            # A long label takes its own line; the value goes below it, indented.
            self.multi_cell(0, 6, latin1(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_x(self.l_margin + _LABEL_WIDTH)
        else:
            self.cell(_LABEL_WIDTH, 6, latin1(label))
        self.set_font("Helvetica", size=10)
        self.multi_cell(0, 6, latin1(value or "-"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def verbatim(self, label: str, text: str) -> None:
        """A label, then ``text`` in a fixed-width font, line for line (hashes, notes)."""
        self.set_font("Helvetica", style="B", size=10)
        self.multi_cell(0, 6, latin1(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Courier", size=8)
        for line in text.splitlines() or ["-"]:
            self.multi_cell(0, 4, latin1(line) or " ", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=10)
        self.ln(1)


def render(
    *, request: TraceRequest, case: Case, item: CaseItem | None, context: PdfContext
) -> bytes:
    """The trace request as a one- or two-page PDF in its language."""
    labels = LABELS[request.language]
    pdf = _Document()
    pdf.set_title(latin1(f"{labels['title']} {request.id}"))
    pdf.heading(labels["title"], size=16)
    pdf.field(labels["reference"], request.id)
    pdf.field(labels["requester"], case.owner_org)
    pdf.field(labels["date"], (request.sent_at or context.printed_at).date().isoformat())
    role = ROLES[request.language][request.recipient_role]
    pdf.field(labels["recipient"], f"{request.recipient_country} ({role})")
    pdf.field(labels["case"], case.title)
    if request.deadline is not None:
        pdf.field(labels["deadline"], request.deadline.isoformat())
    pdf.ln(3)
    pdf.heading(labels["weapon"])
    pdf.field(labels["marking"], request.marking)
    pdf.field(labels["type"], request.weapon_type)
    pdf.field(labels["calibre"], request.calibre)
    pdf.field(labels["manufacturer"], request.manufacturer)
    pdf.field(labels["model"], request.model)
    pdf.ln(3)
    pdf.heading(labels["context"])
    pdf.paragraph(request.recovery_context)
    pdf.heading(labels["asked"])
    pdf.paragraph(request.request_text)
    pdf.heading(labels["proof"])
    _proof(pdf, labels, item, context)
    return bytes(pdf.output())


def _proof(
    pdf: _Document, labels: dict[str, str], item: CaseItem | None, context: PdfContext
) -> None:
    if item is None:
        pdf.paragraph(labels["no_proof"])
        return
    base = context.declarations_url.rstrip("/")
    if item.kind != "declared_item":
        pdf.field(labels["record"], f"{item.kind} {item.reference or item.serial_number or ''}")
        pdf.paragraph(labels["no_proof"])
        return
    pdf.field(
        labels["record"],
        f"{base}/declarations/v1/declarations/{item.reference}"
        f" (v{item.declaration_version}, item {item.item_index})",
    )
    pdf.field(labels["log_index"], None if item.log_index is None else str(item.log_index))
    pdf.field(labels["leaf_hash"], item.log_leaf_hash)
    if item.log_index is not None and item.log_checkpoint:
        _inclusion(pdf, labels, item, context)
        return
    if item.log_index is not None:
        pdf.paragraph(labels["not_kept"])
        # Proven under any checkpoint at least this large: the reader picks its tree size.
        pdf.field(labels["checkpoint"], f"{base}/declarations/v1/log/checkpoint")
        pdf.field(
            labels["proof_url"],
            f"{base}/declarations/v1/log/proof/inclusion?index={item.log_index}&tree_size=SIZE",
        )


def _inclusion(pdf: _Document, labels: dict[str, str], item: CaseItem, context: PdfContext) -> None:
    """The entry's inclusion proof and signed checkpoint, printed and attached as JSON."""
    checkpoint = item.log_checkpoint or ""
    hashes = (item.log_inclusion or "").split()
    lines = checkpoint.splitlines()
    tree_size = lines[1] if len(lines) > 1 and lines[1].isdigit() else None
    pdf.field(labels["tree_size"], tree_size)
    pdf.verbatim(labels["audit_path"], "\n".join(hashes))
    pdf.verbatim(labels["signed_checkpoint"], checkpoint)
    if context.log_key:
        pdf.verbatim(labels["verifier_key"], context.log_key)
    pdf.paragraph(labels["verify"])
    proof = {
        "index": item.log_index,
        "tree_size": None if tree_size is None else int(tree_size),
        "leaf_hash": item.log_leaf_hash,
        "hashes": hashes,
        "checkpoint": checkpoint,
        "verifier_key": context.log_key or None,
    }
    pdf.embed_file(
        bytes=json.dumps(proof, indent=2).encode(),
        basename="log-proof.json",
        mime_type="application/json",
        modification_date=context.printed_at,
    )
