## Rahmen der Seiten: Menü des Praxisbereichs, Teile des Live-Wartezimmers.

practice-menu = Menü
nav-practice = Praxisbereich
panel-done = heute erledigt ({ $count })
