/**
 * Real-shaped MIME messages in Spanish for the mailbox tests: RFC 2047 words in headers,
 * quoted-printable bodies, an HTML-only message with an attachment named in RFC 2231, an
 * auto-reply, and replies shaped as Gmail and Outlook write them. Lines end in CRLF, as on the wire.
 */
const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');
const utf8crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');

export const MAILBOX = 'ventas@vixiees.test';

/** A first enquiry from Gmail: encoded name and subject, multipart/alternative, quoted-printable. */
export const gmailEnquiry = (to = MAILBOX) => crlf(`MIME-Version: 1.0
Date: Mon, 23 Nov 2026 09:15:02 +0100
Message-ID: <CAF=q8kPz1Yx0aB7@mail.gmail.com>
Subject: =?UTF-8?Q?Informaci=C3=B3n_sobre_el_pr=C3=A9stamo_hipotecario?=
From: =?UTF-8?Q?Luc=C3=ADa_Fern=C3=A1ndez_Garc=C3=ADa?= <lucia.fernandez@Gmail.COM>
To: Ventas <${to}>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"

--000000000000a1b2c3d4e5f6
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Hola, buenos d=C3=ADas:

Quisiera informaci=C3=B3n sobre el pr=C3=A9stamo hipotecario a 25 a=C3=B1os. =
=C2=BFPodr=C3=ADan llamarme ma=C3=B1ana?

Un saludo,
Luc=C3=ADa

--000000000000a1b2c3d4e5f6
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Hola, buenos d=C3=ADas:<div><br></div><div>Quisiera informaci=
=C3=B3n sobre el pr=C3=A9stamo hipotecario a 25 a=C3=B1os. =C2=BFPodr=C3=ADan =
llamarme ma=C3=B1ana?</div></div>

--000000000000a1b2c3d4e5f6--
`);

/** Outlook's reply from the team (found in Sent): "RE:", Thread-Index, In-Reply-To and References. */
export const outlookReply = (from = MAILBOX) => crlf(`From: =?iso-8859-1?Q?Equipo_de_Ventas_Vixi=E9es?= <${from}>
To: =?utf-8?B?THVjw61hIEZlcm7DoW5kZXogR2FyY8OtYQ==?= <lucia.fernandez@gmail.com>
Subject: =?iso-8859-1?Q?RE:_Informaci=F3n_sobre_el_pr=E9stamo_hipotecario?=
Thread-Topic: =?iso-8859-1?Q?Informaci=F3n_sobre_el_pr=E9stamo_hipotecario?=
Thread-Index: AQHbPz1x8kTq2mWv0UeNdZ3vYk4qXQ==
Date: Mon, 23 Nov 2026 10:02:44 +0000
Message-ID: <AM9PR08MB6779D2B1E0A3F1C2B9F3A1D4C5E6@AM9PR08MB6779.eurprd08.prod.outlook.com>
References: <CAF=q8kPz1Yx0aB7@mail.gmail.com>
In-Reply-To: <CAF=q8kPz1Yx0aB7@mail.gmail.com>
Accept-Language: es-ES, en-US
Content-Language: es-ES
X-MS-Has-Attach:
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Hola Luc=EDa:

Claro, ma=F1ana te llamamos a las 10:00. =BFTe viene bien?

Un saludo,
Equipo de Ventas
________________________________
De: Luc=EDa Fern=E1ndez Garc=EDa <lucia.fernandez@gmail.com>
Enviado: lunes, 23 de noviembre de 2026 9:15
Para: Ventas <ventas@vixiees.test>
Asunto: Informaci=F3n sobre el pr=E9stamo hipotecario
`);

/** Lucía answers from Gmail: "Re:" with the whole References chain and the quote below. */
export const gmailSecondReply = (to = MAILBOX) => crlf(`MIME-Version: 1.0
Date: Mon, 23 Nov 2026 11:30:10 +0100
References: <CAF=q8kPz1Yx0aB7@mail.gmail.com>
 <AM9PR08MB6779D2B1E0A3F1C2B9F3A1D4C5E6@AM9PR08MB6779.eurprd08.prod.outlook.com>
In-Reply-To: <AM9PR08MB6779D2B1E0A3F1C2B9F3A1D4C5E6@AM9PR08MB6779.eurprd08.prod.outlook.com>
Message-ID: <CAF=q8kPz2Zz9cD1@mail.gmail.com>
Subject: =?UTF-8?Q?Re=3A_Informaci=C3=B3n_sobre_el_pr=C3=A9stamo_hipotecario?=
From: =?UTF-8?Q?Luc=C3=ADa_Fern=C3=A1ndez_Garc=C3=ADa?= <lucia.fernandez@gmail.com>
To: Equipo de Ventas <${to}>
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Perfecto, a las 10:00 me viene genial. =C2=A1Gracias!

El lun, 23 nov 2026 a las 11:02, Equipo de Ventas (<${to}>) escribi=C3=B3:
> Hola Luc=C3=ADa:
>
> Claro, ma=C3=B1ana te llamamos a las 10:00.
`);

/** HTML only, in ISO-8859-1, with a PDF whose name is encoded per RFC 2231. */
export const htmlOnlyWithAttachment = (to = MAILBOX) => crlf(`Return-Path: <jose.nunez@construcciones-ibarra.es>
From: "=?ISO-8859-1?Q?Jos=E9_N=FA=F1ez?=" <jose.nunez@construcciones-ibarra.es>
To: <${to}>
Subject: =?ISO-8859-1?B?UHJlc3VwdWVzdG8gcGFyYSBsYSBhbXBsaWFjafNu?=
Date: Tue, 24 Nov 2026 16:40:00 -0500
Message-ID: <20261124214000.7F3A2@construcciones-ibarra.es>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_Part_1234_5678.1700000000000"

------=_Part_1234_5678.1700000000000
Content-Type: text/html; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

<html><body><p>Buenas tardes:</p><p>Adjunto el presupuesto de la <b>ampliaci=F3n</b> =
del almac=E9n. =BFLo revisamos el jueves?</p><p>Atentamente,<br>Jos=E9 N=FA=F1ez</p></body></html>
------=_Part_1234_5678.1700000000000
Content-Type: application/pdf; name*=utf-8''presupuesto-a%C3%B1o-2026.pdf
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename*=utf-8''presupuesto-a%C3%B1o-2026.pdf

JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==
------=_Part_1234_5678.1700000000000--
`);

/** An out-of-office answer: recorded nowhere, raises nothing. */
export const outOfOffice = (to = MAILBOX) => utf8crlf(`From: José Núñez <jose.nunez@construcciones-ibarra.es>
To: ${to}
Subject: =?UTF-8?Q?Respuesta_autom=C3=A1tica=3A_fuera_de_la_oficina?=
Date: Tue, 24 Nov 2026 22:00:00 +0100
Message-ID: <ooo-20261124@construcciones-ibarra.es>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Estaré fuera de la oficina hasta el lunes.
`);
