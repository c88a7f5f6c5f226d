"""What messages say, in the register's four languages (English, French, Portuguese,
Spanish: the working languages of ECOWAS and ECCAS).

One catalogue, keyed by message id, per language; ``tests/registry/test_mail_catalogue``
fails if a language misses a message or a placeholder. Record data (an alert's summary,
a unit's name) is shown as recorded, untranslated.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("en", "fr", "pt", "es")

CATALOGUE: Final[dict[str, dict[str, str]]] = {
    "en": {
        "greeting": "Hello {name},",
        "subject.digest": "SALW register: {count} notifications today",
        "intro.digest": "Here is what happened in the register since your last summary.",
        "intro.immediate": "Something happened in the register that concerns you.",
        "open": "Open in the console",
        "footer": (
            "You receive this message because of your notification preferences;"
            " change them in the console."
        ),
        "no_tokens": "This link does not sign you in: the console asks who you are.",
        "title.alert.raised": "A new {kind} alert",
        "title.alert.updated": "An alert changed: {change}",
        "title.manifest.accepted": "A manifest was accepted",
        "title.loss_report.accepted": "A loss report was accepted",
        "title.declaration.accepted": "A declaration was accepted",
        "title.declaration.amended": "A declaration was amended",
        "title.rotation.ending": "A rotation ends soon and its unit still holds weapons",
        "title.trace_request.updated": "A trace request changed",
        "title.webhook.disabled": "A webhook endpoint of your organisation was disabled",
        "notice.diversion": (
            "A record you declared may match materiel declared by another state;"
            " the secretariat has the details."
        ),
        "label.status": "Status",
        "label.country": "Country",
        "label.summary": "Summary",
        "label.reason": "Reason",
    },
    "fr": {
        "greeting": "Bonjour {name},",
        "subject.digest": "Registre ALPC : {count} notifications aujourd'hui",
        "intro.digest": "Voici ce qui s'est passé dans le registre depuis votre dernier résumé.",
        "intro.immediate": "Un événement du registre vous concerne.",
        "open": "Ouvrir dans la console",
        "footer": (
            "Vous recevez ce message en raison de vos préférences de notification ;"
            " vous pouvez les modifier dans la console."
        ),
        "no_tokens": "Ce lien ne vous connecte pas : la console vous demandera qui vous êtes.",
        "title.alert.raised": "Nouvelle alerte ({kind})",
        "title.alert.updated": "Une alerte a changé : {change}",
        "title.manifest.accepted": "Un manifeste a été accepté",
        "title.loss_report.accepted": "Un rapport de perte a été accepté",
        "title.declaration.accepted": "Une déclaration a été acceptée",
        "title.declaration.amended": "Une déclaration a été modifiée",
        "title.rotation.ending": "Une rotation se termine bientôt et son unité détient des armes",
        "title.trace_request.updated": "Une demande de traçage a changé",
        "title.webhook.disabled": "Un point de terminaison webhook de votre organisation a été"
        " désactivé",
        "notice.diversion": (
            "Un enregistrement que vous avez déclaré pourrait correspondre à du matériel déclaré"
            " par un autre État ; le secrétariat dispose des détails."
        ),
        "label.status": "Statut",
        "label.country": "Pays",
        "label.summary": "Résumé",
        "label.reason": "Motif",
    },
    "pt": {
        "greeting": "Olá {name},",
        "subject.digest": "Registo de ALPC: {count} notificações hoje",
        "intro.digest": "Eis o que aconteceu no registo desde o seu último resumo.",
        "intro.immediate": "Aconteceu algo no registo que lhe diz respeito.",
        "open": "Abrir na consola",
        "footer": (
            "Recebe esta mensagem devido às suas preferências de notificação;"
            " pode alterá-las na consola."
        ),
        "no_tokens": "Esta ligação não inicia sessão: a consola pergunta quem é.",
        "title.alert.raised": "Novo alerta ({kind})",
        "title.alert.updated": "Um alerta mudou: {change}",
        "title.manifest.accepted": "Um manifesto foi aceite",
        "title.loss_report.accepted": "Um relatório de perda foi aceite",
        "title.declaration.accepted": "Uma declaração foi aceite",
        "title.declaration.amended": "Uma declaração foi alterada",
        "title.rotation.ending": "Uma rotação termina em breve e a sua unidade ainda tem armas",
        "title.trace_request.updated": "Um pedido de rastreamento mudou",
        "title.webhook.disabled": "Um endpoint de webhook da sua organização foi desativado",
        "notice.diversion": (
            "Um registo que declarou pode corresponder a material declarado por outro Estado;"
            " o secretariado tem os detalhes."
        ),
        "label.status": "Estado",
        "label.country": "País",
        "label.summary": "Resumo",
        "label.reason": "Motivo",
    },
    "es": {
        "greeting": "Hola, {name}:",
        "subject.digest": "Registro de APAL: {count} notificaciones hoy",
        "intro.digest": "Esto es lo que ha ocurrido en el registro desde su último resumen.",
        "intro.immediate": "Ha ocurrido algo en el registro que le concierne.",
        "open": "Abrir en la consola",
        "footer": (
            "Recibe este mensaje por sus preferencias de notificación;"
            " puede cambiarlas en la consola."
        ),
        "no_tokens": "Este enlace no inicia sesión: la consola le preguntará quién es.",
        "title.alert.raised": "Nueva alerta ({kind})",
        "title.alert.updated": "Una alerta ha cambiado: {change}",
        "title.manifest.accepted": "Se ha aceptado un manifiesto",
        "title.loss_report.accepted": "Se ha aceptado un informe de pérdida",
        "title.declaration.accepted": "Se ha aceptado una declaración",
        "title.declaration.amended": "Se ha modificado una declaración",
        "title.rotation.ending": "Una rotación termina pronto y su unidad aún tiene armas",
        "title.trace_request.updated": "Una solicitud de rastreo ha cambiado",
        "title.webhook.disabled": "Se ha desactivado un endpoint de webhook de su organización",
        "notice.diversion": (
            "Un registro que usted declaró podría coincidir con material declarado por otro"
            " Estado; la secretaría tiene los detalles."
        ),
        "label.status": "Estado",
        "label.country": "País",
        "label.summary": "Resumen",
        "label.reason": "Motivo",
    },
}


def text(language: str, key: str, **values: object) -> str:
    """The message ``key`` in ``language`` (English if the language is unknown)."""
    messages = CATALOGUE.get(language, CATALOGUE["en"])
    return messages[key].format(**values)
