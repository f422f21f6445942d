//! `lheo template -o modele.xlsx`: the empty workbook, ready to fill (headers, documentation
//! sheet, drop-downs, one example offer).

use std::io::{self, Write};

use lheo::workbook;
use lheo::Lang;

use super::workbook::{check_output, write_atomically};
use super::{print_failure, stdout_error};
use crate::cli::TemplateArgs;
use crate::error::{Failure, Outcome};

/// Runs `lheo template`.
pub fn run(args: TemplateArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    let output = &args.output;
    if let Err(f) = check_output(output, None) {
        print_failure(&f, lang);
        return Outcome::Failure;
    }
    let written = write_atomically(
        output,
        |w| workbook::template(w).map(|_| ()),
        lheo::Error::from,
    );
    match written {
        Ok(()) => {
            let o = output.display();
            let done = match lang {
                Lang::Fr => format!("modèle écrit dans « {o} » : remplissez-le, puis « lheo import {o} -o offres.xml »"),
                Lang::En => format!("template written to \"{o}\": fill it in, then \"lheo import {o} -o offres.xml\""),
            };
            let mut out = io::stdout().lock();
            match writeln!(out, "{done}").and_then(|()| out.flush()) {
                Ok(()) => Outcome::Success,
                Err(e) => stdout_error(&e, Outcome::Success, lang),
            }
        }
        Err(e) => {
            if let Some(io) = e.io() {
                print_failure(&Failure::write(output, io), lang);
                return Outcome::Failure;
            }
            print_failure(
                &Failure::new(
                    format!("impossible d'écrire « {} » : {e}", output.display()),
                    format!("cannot write \"{}\": {e}", output.display()),
                ),
                lang,
            );
            Outcome::Failure
        }
    }
}
