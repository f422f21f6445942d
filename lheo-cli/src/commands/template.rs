//! `lheo template -o modele.xlsx`: the empty workbook, ready to fill (headers, documentation
//! sheet, drop-downs, one example offer), written as [`crate::output`] says.

use std::io::{self, Write};

use lheo::workbook::{self, ExportOptions};
use lheo::Lang;

use super::{print_failure, stdout_error};
use crate::cli::TemplateArgs;
use crate::error::{Failure, Outcome};
use crate::output::{self, Written};

/// Runs `lheo template`.
pub fn run(args: TemplateArgs) -> Outcome {
    let lang = args.lang.lang.lang();
    match template(&args, lang) {
        Ok(outcome) => outcome,
        Err(f) => {
            print_failure(&f, lang);
            Outcome::Failure
        }
    }
}

fn template(args: &TemplateArgs, lang: Lang) -> Result<Outcome, Failure> {
    let output = output::check(
        &args.output,
        Written::Workbook,
        args.force.force,
        "lheo template",
        &[],
    )?;
    let options = ExportOptions::default().with_tempdir(output.folder());
    let written = output.write(
        |w| workbook::template_with(w, &options).map(|_| ()),
        lheo::Error::from,
    );
    let o = output.shown().display();
    match written {
        Ok(()) => {}
        Err(e) => {
            if let Some(io) = e.io() {
                return Err(Failure::write(output.shown(), io));
            }
            return Err(Failure::new(
                format!("impossible d'écrire « {o} » : {e}"),
                format!("cannot write \"{o}\": {e}"),
            ));
        }
    }
    let done = match lang {
        Lang::Fr => format!(
            "modèle écrit dans « {o} » : remplissez-le, puis « lheo import {o} -o offres.xml »"
        ),
        Lang::En => format!(
            "template written to \"{o}\": fill it in, then \"lheo import {o} -o offres.xml\""
        ),
    };
    let mut out = io::stdout().lock();
    Ok(match writeln!(out, "{done}").and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) => stdout_error(&e, Outcome::Success, lang),
    })
}
