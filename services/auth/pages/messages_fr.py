"""French translations of the auth pages' messages (message id: English text)."""

from __future__ import annotations

from typing import Final

FRENCH: Final[dict[str, str]] = {
    "SALW register": "Registre des ALPC",
    "There is a problem": "Il y a un problème",
    "Set up your account": "Créez votre compte",
    "Continue": "Continuer",
    "Choose a password": "Choisissez un mot de passe",
    "At least 12 characters. Avoid common passwords and your name or email.": (
        "Au moins 12 caractères. Évitez les mots de passe courants, votre nom et votre"
        " adresse électronique."
    ),
    "Type the password again": "Saisissez à nouveau le mot de passe",
    "Add the register to your authenticator app": (
        "Ajoutez le registre à votre application d'authentification"
    ),
    "Scan this QR code with your authenticator app, or type this key:": (
        "Scannez ce code QR avec votre application d'authentification, ou saisissez cette clé :"
    ),
    "Code from your authenticator app": "Code de votre application d'authentification",
    "6 digits": "6 chiffres",
    "Enter a password": "Saisissez un mot de passe",
    "Your password must be at least 12 characters long": (
        "Votre mot de passe doit comporter au moins 12 caractères"
    ),
    "Your password must be at most 1,024 characters long": (
        "Votre mot de passe doit comporter au plus 1 024 caractères"
    ),
    "This password is among the most commonly used: choose another": (
        "Ce mot de passe fait partie des plus courants : choisissez-en un autre"
    ),
    "Your password must not contain your email or your name": (
        "Votre mot de passe ne doit contenir ni votre adresse électronique ni votre nom"
    ),
    "The two passwords do not match": "Les deux mots de passe ne correspondent pas",
    "Enter the 6-digit code from your authenticator app": (
        "Saisissez le code à 6 chiffres de votre application d'authentification"
    ),
    "The code is not right or was already used: wait for the next one": (
        "Le code est incorrect ou déjà utilisé : attendez le suivant"
    ),
    "Your account is ready": "Votre compte est prêt",
    "Your recovery codes": "Vos codes de secours",
    "Keep these ten codes somewhere safe. Each one signs you in once if you lose your"
    " authenticator. They are shown only now.": (
        "Conservez ces dix codes en lieu sûr. Chacun permet de se connecter une fois si vous"
        " perdez votre application d'authentification. Ils ne sont affichés qu'ici."
    ),
    "This link cannot be used": "Ce lien ne peut pas être utilisé",
    "The link has expired, was already used or was replaced by a newer one. Ask your"
    " organisation's administrator for a new one.": (
        "Le lien a expiré, a déjà été utilisé ou a été remplacé par un plus récent. Demandez-en"
        " un nouveau à l'administrateur de votre organisation."
    ),
    "The form has expired. Please try again.": "Le formulaire a expiré. Veuillez réessayer.",
    "Sign in": "Se connecter",
    "Email address": "Adresse électronique",
    "Password": "Mot de passe",
    "Enter your email address": "Saisissez votre adresse électronique",
    "Enter your password": "Saisissez votre mot de passe",
    "The email address or the password is not right": (
        "L'adresse électronique ou le mot de passe est incorrect"
    ),
    "Too many attempts. Try again later.": "Trop de tentatives. Réessayez plus tard.",
    "Check your identity": "Vérifiez votre identité",
    "Or a recovery code": "Ou un code de secours",
    "Enter a code from your authenticator app or a recovery code": (
        "Saisissez un code de votre application d'authentification ou un code de secours"
    ),
    "The code is not right": "Le code est incorrect",
    "Sign-in cannot continue": "La connexion ne peut pas continuer",
    "Signing in took too long. Start again from the app.": (
        "La connexion a pris trop de temps. Recommencez depuis l'application."
    ),
    # Authorization requests refused on the page (services/auth/signin/requests.py)
    "Unknown app": "Application inconnue",
    "The redirect URI is not one the app registered": (
        "L'URI de redirection ne fait pas partie de celles que l'application a enregistrées"
    ),
    "state is required (printable, at most 500)": (
        "Le paramètre state est obligatoire (caractères imprimables, 500 au plus)"
    ),
}
